# Officials' spreadsheets and reports group thousands with commas (1,234,567.89),
# not Django's default for zh-hans (no separator, groups of four).
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
