//! Arrow batches across the boundary through the Arrow C Data Interface's PyCapsule protocol:
//! an input object's `__arrow_c_stream__` (pyarrow `Table`/`RecordBatchReader`, polars,
//! anything that speaks the protocol) is imported without copying its buffers, and a result
//! batch is handed back as an object with `__arrow_c_array__`, which `pyarrow.record_batch`
//! imports without copying either.

use arrow_array::ffi::{FFI_ArrowArray, FFI_ArrowSchema, to_ffi};
use arrow_array::ffi_stream::{FFI_ArrowArrayStream, RecordBatchStreamReader};
use arrow_array::{Array, RecordBatch, StructArray};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyCapsule;

/// The record batches of an object with `__arrow_c_stream__`, read while the GIL is held (the
/// producer may be Python code); the buffers are shared, not copied.
pub fn import_stream(data: &Bound<'_, PyAny>) -> PyResult<Vec<RecordBatch>> {
    if !data.hasattr("__arrow_c_stream__")? {
        return Err(PyTypeError::new_err(format!(
            "pdscore: expected an object with __arrow_c_stream__ (a pyarrow Table), got {}",
            data.get_type().name()?
        )));
    }
    let capsule = data.call_method0("__arrow_c_stream__")?;
    let capsule = capsule.downcast::<PyCapsule>()?;
    if capsule.name()?.map(|n| n.to_bytes()) != Some(b"arrow_array_stream".as_slice()) {
        return Err(PyValueError::new_err(
            "pdscore: __arrow_c_stream__ did not return an `arrow_array_stream` capsule",
        ));
    }
    let pointer = capsule.pointer().cast::<FFI_ArrowArrayStream>();
    // SAFETY: the capsule is named `arrow_array_stream`, so by the PyCapsule protocol its
    // pointer is a valid `ArrowArrayStream` that the consumer may move out of; `from_raw`
    // moves it and marks the original released, so the capsule's destructor does nothing.
    #[allow(unsafe_code)]
    let stream = unsafe { FFI_ArrowArrayStream::from_raw(pointer) };
    let reader = RecordBatchStreamReader::try_new(stream)
        .map_err(|e| PyValueError::new_err(format!("pdscore: bad Arrow stream: {e}")))?;
    reader
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| PyValueError::new_err(format!("pdscore: reading the Arrow stream: {e}")))
}

/// A record batch handed to Python: `pyarrow.record_batch(obj)` imports it through
/// `__arrow_c_array__` without copying.
#[pyclass(frozen, module = "pdscore._pdscore")]
pub struct ArrowBatch {
    batch: RecordBatch,
}

impl ArrowBatch {
    /// Wraps a batch.
    pub fn new(batch: RecordBatch) -> Self {
        ArrowBatch { batch }
    }
}

#[pymethods]
impl ArrowBatch {
    /// The (schema, array) capsules of the Arrow PyCapsule protocol.
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_array__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<(Bound<'py, PyCapsule>, Bound<'py, PyCapsule>)> {
        let _ = requested_schema; // the batch is offered as it is
        let array = StructArray::from(self.batch.clone());
        let (array, schema): (FFI_ArrowArray, FFI_ArrowSchema) = to_ffi(&array.to_data())
            .map_err(|e| PyValueError::new_err(format!("pdscore: exporting the batch: {e}")))?;
        Ok((
            PyCapsule::new(py, schema, Some(c"arrow_schema".to_owned()))?,
            PyCapsule::new(py, array, Some(c"arrow_array".to_owned()))?,
        ))
    }

    /// Number of rows.
    #[getter]
    fn num_rows(&self) -> usize {
        self.batch.num_rows()
    }
}
