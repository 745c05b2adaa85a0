//! The published facts about the real Klarna file that the generator imitates.

/// Merchant categories seen in the 10,000 real rows, with their merchant group and count there.
/// (The full file is published with 57 categories; 55 occur in the rows available.)
pub const MERCHANT_CATEGORIES: [(&str, &str, u32); 55] = [
    ("Diversified entertainment", "Entertainment", 3833),
    ("Youthful Shoes & Clothing", "Clothing & Shoes", 1231),
    ("Books & Magazines", "Entertainment", 916),
    (
        "Concept stores & Miscellaneous",
        "Leisure, Sport & Hobby",
        437,
    ),
    ("General Shoes & Clothing", "Clothing & Shoes", 435),
    ("Sports gear & Outdoor", "Leisure, Sport & Hobby", 356),
    ("Dietary supplements", "Health & Beauty", 324),
    ("Diversified children products", "Children Products", 303),
    ("Diversified electronics", "Electronics", 217),
    ("Prints & Photos", "Leisure, Sport & Hobby", 173),
    (
        "Children Clothes & Nurturing products",
        "Children Products",
        143,
    ),
    ("Pet supplies", "Home & Garden", 130),
    ("Jewelry & Watches", "Jewelry & Accessories", 96),
    ("Prescription optics", "Health & Beauty", 96),
    ("Hobby articles", "Leisure, Sport & Hobby", 93),
    ("Body & Hair Care", "Health & Beauty", 91),
    (
        "Electronic equipment & Related accessories",
        "Electronics",
        91,
    ),
    (
        "Diversified Health & Beauty products",
        "Health & Beauty",
        85,
    ),
    ("Automotive Parts & Accessories", "Automotive Products", 79),
    ("Video Games & Related accessories", "Entertainment", 75),
    ("Diversified Home & Garden products", "Home & Garden", 66),
    ("Decoration & Art", "Home & Garden", 66),
    ("Diversified erotic material", "Erotic Materials", 63),
    ("Dating services", "Intangible products", 60),
    ("Cosmetics", "Health & Beauty", 60),
    ("Children toys", "Children Products", 48),
    ("Tools & Home improvement", "Home & Garden", 47),
    ("Personal care & Body improvement", "Health & Beauty", 40),
    ("Fragrances", "Health & Beauty", 36),
    ("Pharmaceutical products", "Health & Beauty", 35),
    ("Furniture", "Home & Garden", 30),
    ("Digital services", "Intangible products", 29),
    ("Food & Beverage", "Food & Beverage", 26),
    ("Adult Shoes & Clothing", "Clothing & Shoes", 20),
    (
        "Household electronics (whitegoods/appliances)",
        "Electronics",
        15,
    ),
    ("Kitchenware", "Home & Garden", 15),
    ("Collectibles", "Leisure, Sport & Hobby", 15),
    ("Music & Movies", "Entertainment", 15),
    ("Travel services", "Intangible products", 14),
    ("Costumes & Party supplies", "Leisure, Sport & Hobby", 10),
    ("Wheels & Tires", "Automotive Products", 10),
    ("Erotic Clothing & Accessories", "Erotic Materials", 9),
    ("Underwear", "Clothing & Shoes", 9),
    ("Tobacco", "Food & Beverage", 8),
    ("Safety products", "Home & Garden", 7),
    ("Non", "Jewelry & Accessories", 7),
    (
        "Diversified Jewelry & Accessories",
        "Jewelry & Accessories",
        6,
    ),
    (
        "Musical Instruments & Equipment",
        "Leisure, Sport & Hobby",
        6,
    ),
    ("Sex toys", "Erotic Materials", 5),
    ("Car electronics", "Electronics", 5),
    ("Plants & Flowers", "Home & Garden", 5),
    ("Bags & Wallets", "Jewelry & Accessories", 3),
    ("Cleaning & Sanitary", "Home & Garden", 2),
    (
        "Office machines & Related accessories (excl. computers)",
        "Electronics",
        2,
    ),
    ("Event tickets", "Intangible products", 2),
];

/// `name_in_email` levels (all 8 published levels) with their counts in the 10,000 real rows.
pub const NAME_IN_EMAIL: [(&str, u32); 8] = [
    ("F+L", 4031),
    ("no_match", 1732),
    ("L1+F", 1594),
    ("F", 950),
    ("Nick", 814),
    ("F1+L", 734),
    ("L", 144),
    ("Initials", 1),
];

/// Share of positives among labelled rows in the original file (1,288 of 89,976).
pub const POSITIVE_RATE: f64 = 1288.0 / 89_976.0;
