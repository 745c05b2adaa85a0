"""Regenerates the bad-input corpus (the *.csv files beside this script) from the shipped sample.

Usage (from the workspace root; standard library only, no pip packages):

    ${PDSCORE_PYTHON:-python3} tests/bad_inputs/make_corpus.py

The expected outcomes live in manifest.json, which this script does not touch: they are
written by hand after checking that each outcome is the right one.
Scoring files use rows 4001.. of data/klarna_synth_sample.csv (the tests train their model
on the first rows); credit_risk-shaped rows are random, never copied from the real data set.
"""

import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLE = os.path.join(HERE, "..", "..", "data", "klarna_synth_sample.csv")


def load_sample():
    with open(SAMPLE, encoding="utf-8") as f:
        lines = f.read().splitlines()
    return lines[0].split(";"), [l.split(";") for l in lines[1:]]


HEADER, ROWS = load_sample()
BASE = ROWS[4000:4008]  # eight scoring rows never used for training
TRAIN = ROWS[:400]


def col(name):
    return HEADER.index(name)


def text(header, rows, sep=";", eol="\n"):
    return eol.join(sep.join(r) for r in [header] + rows) + eol


def write(name, content):
    data = content if isinstance(content, bytes) else content.encode("utf-8")
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def with_cell(rows, name, value, row=1):
    out = [list(r) for r in rows]
    out[row][col(name)] = value
    return out


def drop(header, rows, names):
    keep = [i for i, h in enumerate(header) if h not in names]
    return [header[i] for i in keep], [[r[i] for i in keep] for r in rows]


def main():
    h, b = HEADER, BASE
    # --- scoring data -------------------------------------------------------------------
    write("score_empty.csv", b"")
    write("score_bom_only.csv", b"\xef\xbb\xbf")
    write("score_blank_lines_only.csv", "\n\n   \n")
    write("score_header_only.csv", text(h, []))
    write("score_header_only_crlf.csv", text(h, [], eol="\r\n"))
    write("score_comma_delimiter.csv", text(h, b, sep=","))
    write("score_tab_delimiter.csv", text(h, b, sep="\t"))
    write("score_pipe_delimiter.csv", text(h, b, sep="|"))
    hh, rr = drop(h, b, {"age"})
    write("score_missing_one_column.csv", text(hh, rr))
    hh, rr = drop(h, b, {"age", "merchant_category", "account_status", "num_unpaid_bills"})
    write("score_missing_many_columns.csv", text(hh, rr))
    write("score_only_id_column.csv", text(["uuid"], [[r[0]] for r in b]))
    write("score_duplicate_column.csv", text(h + ["age"], [r + [r[col("age")]] for r in b]))
    pairs = [f"a{i}" for i in range(2000) for _ in (0, 1)]
    write("score_duplicate_pairs_header.csv", text(h + pairs, [r + ["1"] * len(pairs) for r in b]))
    write("score_extra_columns.csv", text(h + ["note", "branch"], [r + ["x", "7"] for r in b]))
    write("score_reordered_columns.csv", text(list(reversed(h)), [list(reversed(r)) for r in b]))
    hh, rr = drop(h, b, {"default"})
    write("score_no_target_column.csv", text(hh, rr))
    write("score_upper_case_header.csv", text([x.upper() for x in h], b))
    write("score_header_spaces.csv", text([" " + x + " " for x in h], b))
    write("score_text_in_numeric.csv", text(h, with_cell(b, "age", "forty")))
    write("score_comma_decimal.csv", text(h, with_cell(b, "avg_payment_span_0_12m", "12,5")))
    write("score_inf.csv", text(h, with_cell(b, "account_amount_added_12_24m", "inf")))
    write("score_neg_inf.csv", text(h, with_cell(b, "account_amount_added_12_24m", "-inf")))
    write("score_nan.csv", text(h, with_cell(b, "account_amount_added_12_24m", "NaN")))
    write("score_1e308.csv", text(h, with_cell(b, "account_amount_added_12_24m", "1e308")))
    write("score_1e309.csv", text(h, with_cell(b, "account_amount_added_12_24m", "1e309")))
    write("score_negative_age.csv", text(h, with_cell(b, "age", "-30")))
    write("score_bad_boolean.csv", text(h, with_cell(b, "has_paid", "maybe")))
    write("score_unseen_category.csv", text(h, with_cell(b, "merchant_category", "Space Travel")))
    write("score_unseen_status_code.csv", text(h, with_cell(b, "account_status", "9")))
    latin1 = text(h, with_cell(b, "merchant_category", "CAFE_PLACEHOLDER")).encode("utf-8")
    write("score_non_utf8_cell.csv", latin1.replace(b"CAFE_PLACEHOLDER", b"Caf\xe9"))
    hdr = text(h, b).encode("utf-8").replace(b"merchant_group", b"merchant_gr\xfcppe", 1)
    write("score_non_utf8_header.csv", hdr)
    write("score_nul_byte.csv", text(h, with_cell(b, "merchant_group", "Ent\x00ertainment")))
    write("score_bom.csv", b"\xef\xbb\xbf" + text(h, b).encode("utf-8"))
    write("score_crlf.csv", text(h, b, eol="\r\n"))
    write("score_quoted_newline.csv", text(h, with_cell(b, "name_in_email", '"F1\nL"')))
    write("score_quoted_delimiter.csv", text(h, with_cell(b, "merchant_group", '"Food; Drink"')))
    write("score_unclosed_quote.csv", text(h, with_cell(b, "name_in_email", '"F1+L')))
    write("score_long_line.csv", text(h, with_cell(b, "merchant_group", "Z" * 65536)))
    write("score_single_row.csv", text(h, b[:1]))
    dup = [list(r) for r in b]
    for r in dup:
        r[0] = b[0][0]
    write("score_duplicate_ids.csv", text(h, dup))
    write("score_empty_ids.csv", text(h, with_cell(b, "uuid", "")))
    missing = [r[0]] + ["NA"] * (len(h) - 1)
    write("score_all_missing_row.csv", text(h, [missing] + b[1:]))
    write("score_blank_lines_between_rows.csv", text(h, b[:3]) + "\n\n" + text(h, b[3:])[len(";".join(h)) + 1:])
    write("score_ragged_short_row.csv", text(h, [b[0], b[1][:-3]] + b[2:]))
    write("score_ragged_long_row.csv", text(h, [b[0], b[1] + ["1", "2"]] + b[2:]))
    write("score_trailing_delimiter.csv", text(h, [r + [""] for r in b]))
    three = [list(r) for r in b]
    for i, r in enumerate(three):
        r[col("default")] = str(i % 3)
    write("score_target_three_values.csv", text(h, three))
    write("score_no_final_newline.csv", text(h, b).rstrip("\n"))
    # a credit_risk-shaped file (random rows, same header as the real data set)
    rnd = random.Random(0)
    cr_header = ["person_age", "person_income", "person_home_ownership", "person_emp_length",
                 "loan_intent", "loan_grade", "loan_amnt", "loan_int_rate", "loan_status",
                 "loan_percent_income", "cb_person_default_on_file", "cb_person_cred_hist_length"]

    def cr_row(positive):
        income = rnd.randint(9000, 200000)
        amount = rnd.randint(500, 35000)
        return [str(rnd.randint(20, 70)), str(income), rnd.choice(["RENT", "OWN", "MORTGAGE"]),
                str(float(rnd.randint(0, 20))), rnd.choice(["PERSONAL", "EDUCATION", "MEDICAL"]),
                rnd.choice("ABCDEFG"), str(amount), f"{rnd.uniform(5, 22):.2f}",
                "1" if positive else "0", f"{amount / income:.2f}", rnd.choice("YN"),
                str(rnd.randint(2, 30))]

    cr_rows = [cr_row(i % 7 == 0) for i in range(210)]
    write("score_other_layout_credit_risk.csv", text(cr_header, cr_rows[:8], sep=","))
    # --- training data ------------------------------------------------------------------
    write("train_credit_risk_shaped.csv", text(cr_header, cr_rows, sep=","))
    write("train_empty.csv", b"")
    write("train_header_only.csv", text(h, []))
    small = TRAIN[:60]
    three = [list(r) for r in small]
    for i, r in enumerate(three):
        r[col("default")] = str(i % 3)
    write("train_target_three_values.csv", text(h, three))
    words = [list(r) for r in small]
    for i, r in enumerate(words):
        r[col("default")] = "bad" if i % 5 == 0 else "good"
    write("train_target_words.csv", text(h, words))
    neg = [list(r) for r in TRAIN if r[col("default")] == "0"][:80]
    write("train_all_negative.csv", text(h, neg))
    unl = [list(r) for r in small]
    for r in unl:
        r[col("default")] = "NA"
    write("train_all_target_missing.csv", text(h, unl))
    pos = [r for r in TRAIN if r[col("default")] == "1"]
    write("train_one_positive.csv", text(h, neg[:40] + pos[:1]))
    write("train_single_row.csv", text(h, pos[:1]))
    hh, rr = drop(h, small, {"default"})
    write("train_no_target_column.csv", text(hh, rr))
    write("train_text_in_numeric.csv", text(h, with_cell(small, "age", "n/a years", row=5)))
    write("train_inf.csv", text(h, with_cell(small, "account_amount_added_12_24m", "-inf", row=9)))
    write("train_ragged_row.csv", text(h, small[:5] + [small[5][:10]] + small[6:]))
    write("train_duplicate_column.csv", text(h + ["default"], [r + [r[col("default")]] for r in small]))


if __name__ == "__main__":
    main()
