"""A student information system's export read as it is: its delimiter, date formats, values,
lists, a name over two columns and a byte-order mark, set in the mapping file; and the messages
for an export read the wrong way (one column where there are many, most rows failing alike)."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from eligibility.cli import main
from eligibility.errors import InputError
from eligibility.inputs.cohort import load_mapping, read_cohort, read_items

HEADER = "Student ID;First Name;Last Name;Education;Start Date;Code Sets;Letter"
MAPPING = """\
columns:
  candidate_id: Student ID
  name: [First Name, Last Name]
  highest_education: Education
  coding_start: Start Date
  code_sets: Code Sets
  letter_on_file: Letter
delimiter: ";"
date_format: "%m/%d/%Y"
values:
  highest_education: {High School Diploma: hs_diploma, Associate Degree: associate}
  letter_on_file: {Y: yes, N: no}
list_separator: ","
"""
ROW = "S1;José;Núñez;High School Diploma;03/15/2019;CPT, ICD-10-CM;Y"


def _export(tmp_path: Path, rows: list[str], header: str = HEADER, bom: bool = False) -> Path:
    path = tmp_path / "export.csv"
    text = "\n".join([header, *rows]) + "\n"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def _mapping(tmp_path: Path, text: str = MAPPING) -> Path:
    path = tmp_path / "mapping.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _profile(tmp_path: Path, row: str = ROW, mapping: str = MAPPING, **options):
    (read,) = read_cohort(
        _export(tmp_path, [row], **options), load_mapping(_mapping(tmp_path, mapping))
    )
    assert read.error is None, read.error
    return read.profile.data


def test_the_delimiter_is_set_in_the_mapping(tmp_path) -> None:
    assert _profile(tmp_path)["candidate_id"] == "S1"


def test_the_delimiter_is_sniffed_when_the_mapping_does_not_set_it(tmp_path) -> None:
    for delimiter in (";", "\t", "|", ","):
        mapping = MAPPING.replace('delimiter: ";"\n', "").replace(
            'list_separator: ","', "list_separator: '/'"
        )
        row = ROW.replace("CPT, ICD-10-CM", "CPT/ICD-10-CM").replace(";", delimiter)
        header = HEADER.replace(";", delimiter)
        data = _profile(tmp_path, row, mapping, header=header)
        assert data["work_history"][0]["code_sets"] == ["CPT", "ICD-10-CM"], delimiter


def test_an_export_in_our_columns_separated_by_semicolons_is_read_without_a_mapping(tmp_path):
    source = _export(tmp_path, ["S1;2019-03-15"], header="candidate_id;coding_start")
    (read,) = read_cohort(source)
    assert read.error is None and read.profile.data["work_history"][0]["start_date"] == "2019-03-15"


def test_dates_are_read_in_the_mapping_s_format(tmp_path) -> None:
    assert _profile(tmp_path)["work_history"][0]["start_date"] == "2019-03-15"


def test_a_date_already_year_month_day_is_read_without_its_zeros(tmp_path) -> None:
    """An export's own format is day first, but one cell was typed 2024-3-5: year, month and
    day, only without the zeros; it is read as that day, not refused as no date."""
    mapping = MAPPING.replace('date_format: "%m/%d/%Y"', "date_format: '%d.%m.%Y'")
    for typed, read in (
        ("2024-3-5", "2024-03-05"),
        ("2019-3", "2019-03"),
        ("2019-03-15", "2019-03-15"),
    ):
        data = _profile(tmp_path, ROW.replace("03/15/2019", typed), mapping)
        assert data["work_history"][0]["start_date"] == read, typed


def test_a_date_format_may_be_set_for_one_column(tmp_path) -> None:
    mapping = MAPPING.replace('date_format: "%m/%d/%Y"', "date_formats: {coding_start: '%d.%m.%Y'}")
    data = _profile(tmp_path, ROW.replace("03/15/2019", "15.03.2019"), mapping)
    assert data["work_history"][0]["start_date"] == "2019-03-15"


def test_values_are_mapped_whatever_their_case_and_surrounding_spaces(tmp_path) -> None:
    data = _profile(tmp_path, ROW.replace("High School Diploma", "  HIGH school diploma "))
    assert data["education"]["highest_level"] == "hs_diploma"
    assert "verification_letters" in data  # Y: a letter on file
    data = _profile(tmp_path, ROW.replace(";Y", "; n "))
    assert "verification_letters" not in data


def test_list_cells_are_split_at_the_mapping_s_separator(tmp_path) -> None:
    assert _profile(tmp_path)["work_history"][0]["code_sets"] == ["CPT", "ICD-10-CM"]


def test_a_name_is_made_of_two_columns(tmp_path) -> None:
    assert _profile(tmp_path)["name"] == "José Núñez"
    assert _profile(tmp_path, ROW.replace("José", ""))["name"] == "Núñez"  # no stray space


def test_a_byte_order_mark_is_read_transparently(tmp_path) -> None:
    mapping = MAPPING.replace('delimiter: ";"\n', "")  # sniffed past the mark, too
    assert _profile(tmp_path, mapping=mapping, bom=True)["candidate_id"] == "S1"


def test_a_header_of_one_column_holding_semicolons_names_the_delimiter(tmp_path) -> None:
    mapping = _mapping(tmp_path, MAPPING.replace('delimiter: ";"', 'delimiter: ","'))
    with pytest.raises(InputError) as caught:
        read_items(_export(tmp_path, [ROW]), load_mapping(mapping))
    assert "one column" in caught.value.problem and "';'" in caught.value.problem
    assert "delimiter: ';'" in caught.value.fix


def test_a_long_header_read_as_one_column_is_quoted_up_to_a_column_s_end(tmp_path) -> None:
    """The program audit (s28, L8): the header was quoted cut mid-word ("...,Coding Job Start
    Dat'"), which reads as a typo in the export."""
    header = HEADER + ";Coding Job Start Date;Coding Job End Date;Hours per Week"
    mapping = _mapping(tmp_path, MAPPING.replace('delimiter: ";"', 'delimiter: ","'))
    with pytest.raises(InputError) as caught:
        read_items(_export(tmp_path, [ROW], header), load_mapping(mapping))
    quoted = caught.value.problem.split("'")[1]
    assert quoted == "Student ID;First Name;Last Name;Education;Start Date;…", quoted
    assert header.startswith(quoted.removesuffix("…"))


def _batch(tmp_path: Path, source: Path, mapping: Path):
    out = tmp_path / "report.csv"
    result = CliRunner().invoke(
        main, ["batch", str(source), "--mapping", str(mapping), "--out", str(out), "--cert", "CCA"]
    )
    assert "Traceback" not in result.output
    return result, out


def test_most_rows_failing_on_a_date_format_give_one_message_with_the_fix(tmp_path) -> None:
    rows = [ROW.replace("S1", f"S{n}").replace("15", str(10 + n % 18)) for n in range(50)]
    mapping = _mapping(tmp_path, MAPPING.replace('date_format: "%m/%d/%Y"\n', ""))
    result, out = _batch(tmp_path, _export(tmp_path, rows), mapping)
    assert result.exit_code == 2
    assert "50 of 50 rows have dates like 03/10/2019 in 'Start Date'" in result.output
    assert "date_format: '%m/%d/%Y'" in result.output
    assert result.output.count("\n") < 6  # one message, not fifty
    assert not out.exists()


def test_most_rows_failing_on_an_unmapped_value_give_one_message_with_the_fix(tmp_path) -> None:
    rows = [ROW.replace("S1", f"S{n}") for n in range(40)] + ["S99;A;B;GED;01/02/2020;CPT;N"]
    mapping = _mapping(tmp_path, MAPPING.replace("High School Diploma: hs_diploma, ", ""))
    result, _ = _batch(tmp_path, _export(tmp_path, rows), mapping)
    assert result.exit_code == 2
    assert "40 of 41 rows have values like 'High School Diploma' in 'Education'" in result.output
    assert "values: {highest_education: {'High School Diploma': hs_diploma}}" in result.output


def test_a_few_rows_failing_alike_are_error_rows_each_naming_the_fix(tmp_path) -> None:
    rows = [ROW.replace("S1", f"S{n}") for n in range(40)]
    rows[3] = rows[3].replace("03/15/2019", "2019/15/03")
    result, out = _batch(tmp_path, _export(tmp_path, rows), _mapping(tmp_path))
    assert result.exit_code == 1
    with out.open(encoding="utf-8", newline="") as handle:
        errors = [row for row in csv.DictReader(handle) if row["status"] == "error"]
    assert [row["candidate_id"] for row in errors] == ["S3"]
    assert "'2019/15/03' is not a date written %m/%d/%Y" in errors[0]["error"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            MAPPING + "date_fromat: '%d'\n",
            "line 14: unknown key(s) date_fromat\n  fix: did you mean 'date_format'?",
        ),
        (MAPPING.replace('delimiter: ";"', 'delimiter: ";;"'), "line 8 ($.delimiter)"),
        (
            MAPPING.replace('"%m/%d/%Y"', '"%m/%Y"'),
            "line 9 ($.date_format): '%m/%Y' is not a whole date",
        ),
        (MAPPING.replace(": hs_diploma", ": hs_dipoma"), "did you mean 'hs_diploma'?"),
        (MAPPING + "list_separators: {name: ','}\n", "name is not a list column"),
        (
            MAPPING + "encoding: klingon\n",
            "line 14 ($.encoding): encoding 'klingon' is not a text encoding",
        ),
        (MAPPING + "encoding: utf-16\n", "writes a line ending in more than one byte"),
        (
            MAPPING.replace("name: [First Name, Last Name]", "as_of: [First Name, Last Name]"),
            "only name may be made of several columns",
        ),
    ],
)
def test_a_bad_mapping_key_or_value_is_one_message_naming_its_place(tmp_path, text, message):
    mapping = _mapping(tmp_path, text)
    result, _ = _batch(tmp_path, _export(tmp_path, [ROW]), mapping)
    assert result.exit_code == 2
    assert f"{mapping}: " in result.output and message in result.output


def test_one_list_column_may_have_its_own_separator_and_our_values_any_case(tmp_path) -> None:
    header = HEADER + ";Certs"
    mapping = MAPPING + "list_separators: {credentials: /}\n"
    mapping = mapping.replace(
        "  letter_on_file: Letter\n", "  letter_on_file: Letter\n  credentials: Certs\n"
    )
    data = _profile(
        tmp_path, ROW.replace("CPT, ICD", "cpt, icd") + ";CPC-A / CCA", mapping, header=header
    )
    assert data["work_history"][0]["code_sets"] == ["CPT", "ICD-10-CM"]
    assert [c["id"] for c in data["credentials"]] == ["CPC", "CCA"]


def _dated_rows(written: Callable[[int], str]) -> list[str]:
    """Thirty students, each with the start date ``written`` gives for its number."""
    return [ROW.replace("S1", f"S{n}").replace("03/15/2019", written(n)) for n in range(30)]


def test_most_rows_in_another_format_than_the_mapping_s_say_which_format(tmp_path) -> None:
    rows = _dated_rows(lambda n: f"{10 + n % 18}.03.2019")
    result, _ = _batch(tmp_path, _export(tmp_path, rows), _mapping(tmp_path))
    assert result.exit_code == 2
    assert (
        "30 of 30 rows have dates like 10.03.2019 in 'Start Date', not written %m/%d/%Y"
        in result.output
    )
    # the mapping's one date_format is every date column's: changing one would leave the
    # others read wrongly wherever a day of 12 or less lets the wrong format read them too
    assert "change date_format in the mapping file" in result.output
    assert "to '%d.%m.%Y' (it is every date column's)" in result.output


def test_a_column_s_own_format_is_the_one_a_fix_changes(tmp_path) -> None:
    rows = _dated_rows(lambda n: f"{10 + n % 18}.03.2019")
    own = MAPPING.replace('date_format: "%m/%d/%Y"', "date_formats: {coding_start: '%m/%d/%Y'}")
    result, _ = _batch(tmp_path, _export(tmp_path, rows), _mapping(tmp_path, own))
    assert result.exit_code == 2
    assert "change the date format of coding_start in the mapping file" in result.output
    assert "to '%d.%m.%Y'" in result.output


def test_one_mistyped_date_does_not_hide_the_export_s_format(tmp_path) -> None:
    rows = _dated_rows(lambda n: f"03/{10 + n % 18}/2019")
    rows[7] = rows[7].replace("03/17/2019", "13/45/2019")  # one cell no format reads
    mapping = _mapping(tmp_path, MAPPING.replace('date_format: "%m/%d/%Y"\n', ""))
    result, _ = _batch(tmp_path, _export(tmp_path, rows), mapping)
    assert result.exit_code == 2
    assert "add date_format: '%m/%d/%Y'" in result.output
    assert "'...'" not in result.output


def test_most_rows_of_an_export_without_a_mapping_failing_alike_name_the_mapping(tmp_path):
    rows = [f"S{n};03/{10 + n % 18}/2019" for n in range(25)]
    source = _export(tmp_path, rows, header="candidate_id;coding_start")
    with pytest.raises(InputError) as caught:
        read_items(source)
    assert caught.value.problem.startswith(
        "25 of 25 rows have dates like 03/10/2019 in 'coding_start'"
    )
    assert "a mapping file given with --mapping" in caught.value.fix
    assert "date_format: '%m/%d/%Y'" in caught.value.fix


def test_a_value_yaml_reads_as_true_or_false_must_be_quoted(tmp_path) -> None:
    mapping = _mapping(tmp_path, MAPPING.replace("{Y: yes, N: no}", "{Yes: yes, No: no}"))
    with pytest.raises(InputError) as caught:
        load_mapping(mapping)
    assert caught.value.place == "line 12 ($.values.letter_on_file)"
    assert "put the export's value in quotes ('Yes': yes)" in caught.value.fix


def _cp1252(tmp_path: Path, rows: list[str]) -> Path:
    """The export as Excel's "CSV" writes it on Windows: Windows-1252, not UTF-8."""
    path = tmp_path / "export.csv"
    path.write_bytes(("\n".join([HEADER, *rows]) + "\n").encode("cp1252"))
    return path


def _names(out: Path) -> set[str]:
    with out.open(encoding="utf-8", newline="") as handle:
        return {row["name"] for row in csv.DictReader(handle)}


def test_an_export_in_windows_1252_is_one_message_naming_the_encoding(tmp_path) -> None:
    """A coordinator's audit: Excel's Windows "CSV" made every student with an accent in the
    name an error row (48 of 80), the others were checked, exit 1, a report written; the
    summary split the one cause nine ways by byte and column."""
    rows = [ROW.replace("S1", f"S{n}") for n in range(10)] + [
        ROW.replace("S1", f"T{n}").replace("José", "Joe").replace("Núñez", "Nunez")
        for n in range(5)
    ]
    result, out = _batch(tmp_path, _cp1252(tmp_path, rows), _mapping(tmp_path))
    assert result.exit_code == 2 and not out.exists()
    assert "10 of the first 15 rows are not UTF-8 text" in result.output
    assert "add encoding: cp1252 to the mapping file" in result.output
    assert result.output.count("error:") == 1


def test_an_export_in_the_encoding_its_mapping_names_is_read_as_it_is(tmp_path) -> None:
    rows = [ROW.replace("S1", f"S{n}") for n in range(10)]
    mapping = _mapping(tmp_path, MAPPING + "encoding: cp1252\n")
    result, out = _batch(tmp_path, _cp1252(tmp_path, rows), mapping)
    assert result.exit_code == 0, result.output
    assert _names(out) == {"José Núñez"}


def test_one_line_not_utf_8_in_a_utf_8_export_is_one_error_row(tmp_path) -> None:
    """A UTF-8 export (its accents are UTF-8) with one line that is not: that row is an error
    row, every other student is checked."""
    rows = [ROW.replace("S1", f"S{n}") for n in range(10)]
    path = _export(tmp_path, rows)
    data = path.read_bytes().replace("S3;José".encode(), "S3;Jos\xe9".encode("latin-1"))
    path.write_bytes(data)
    result, out = _batch(tmp_path, path, _mapping(tmp_path))
    assert result.exit_code == 1, result.output
    with out.open(encoding="utf-8", newline="") as handle:
        errors = [row for row in csv.DictReader(handle) if row["status"] == "error"]
    assert len(errors) == 1 and "not UTF-8 text (byte 0xE9" in errors[0]["error"]


@pytest.mark.parametrize("suffix", [".tsv", ".txt"])
def test_an_export_named_tsv_or_txt_is_read_as_csv(tmp_path, suffix) -> None:
    """A coordinator's audit: a tab-separated export named .tsv was refused ("a mapping file
    applies to CSV input only"), and without the mapping "unknown cohort format"."""
    mapping = _mapping(tmp_path, MAPPING.replace('delimiter: ";"\n', ""))
    path = tmp_path / f"export{suffix}"
    path.write_text(
        "\n".join([HEADER.replace(";", "\t"), ROW.replace(";", "\t")]) + "\n", encoding="utf-8"
    )
    result, out = _batch(tmp_path, path, mapping)
    assert result.exit_code == 0, result.output
    assert _names(out) == {"José Núñez"}


def test_a_small_export_in_the_wrong_date_format_is_refused_not_half_misread(tmp_path) -> None:
    """A coordinator's audit: 14 students with DD/MM dates read as MM/DD: 12 error rows, and
    two whose days were 12 or less checked with day and month swapped, six months off. Most
    rows failing alike now stops a small export too (at least 5 rows)."""
    rows = [
        ROW.replace("S1", f"S{n}").replace("03/15/2019", f"{13 + n}/03/2019") for n in range(12)
    ]
    rows += [ROW.replace("S1", "T1").replace("03/15/2019", "09/03/2019")]
    result, out = _batch(tmp_path, _export(tmp_path, rows), _mapping(tmp_path))
    assert result.exit_code == 2 and not out.exists()
    assert "12 of 13 rows have dates like 13/03/2019" in result.output
    assert "'%d/%m/%Y'" in result.output


def test_a_flag_in_a_date_column_is_not_taken_for_a_date_format(tmp_path) -> None:
    """A coordinator's audit: "Yes" in a date column asked for a date format, which no format
    can give."""
    rows = [ROW.replace("S1", f"S{n}").replace("03/15/2019", "Yes") for n in range(8)]
    result, _ = _batch(tmp_path, _export(tmp_path, rows), _mapping(tmp_path))
    assert result.exit_code == 2
    assert "have 'Yes' in 'Start Date', which is not a date" in result.output
    assert "date_format" not in result.output


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf"])
def test_an_empty_export_says_it_is_empty(tmp_path, data) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(data)
    result, _ = _batch(tmp_path, path, _mapping(tmp_path))
    assert result.exit_code == 2 and "the file is empty" in result.output


def test_a_utf_8_export_the_mapping_calls_cp1252_is_refused_not_garbled(tmp_path) -> None:
    """A review: read as cp1252, a UTF-8 export's accents were garbled in every output without a
    word (the check for another encoding saw every line read)."""
    rows = [ROW.replace("S1", f"S{n}") for n in range(10)]
    mapping = _mapping(tmp_path, MAPPING + "encoding: cp1252\n")
    result, out = _batch(tmp_path, _export(tmp_path, rows), mapping)
    assert result.exit_code == 2 and not out.exists()
    assert "the export is UTF-8" in result.output and "leave encoding out" in result.output


@pytest.mark.parametrize("suffix", [".csv", ".txt"])
def test_a_utf_16_export_is_one_message(tmp_path, suffix) -> None:
    """Excel's "Unicode Text": UTF-16 with a byte-order mark."""
    path = tmp_path / f"export{suffix}"
    path.write_bytes(("\n".join([HEADER, ROW]) + "\n").encode("utf-16"))
    result, _ = _batch(tmp_path, path, _mapping(tmp_path))
    assert result.exit_code == 2 and "written in UTF-16" in result.output
    assert result.output.count("error:") == 1


def test_a_mapping_may_give_the_encoding_alone(tmp_path) -> None:
    """An export in our own columns, in cp1252: the fix says to name the encoding in a mapping
    file, which may hold that line alone."""
    layout = load_mapping(_mapping(tmp_path, "encoding: cp1252\n"))
    assert layout.encoding == "cp1252" and not layout.columns


# --- a coordinator's audit (s24): what made most rows error rows, or read them wrongly ---------

LETTER_HEADER = HEADER + ";Letter Date"
LETTER_MAPPING = MAPPING.replace(
    "  letter_on_file: Letter\n", "  letter_on_file: Letter\n  letter_date: Letter Date\n"
)


def test_a_row_that_ends_early_is_an_error_row_not_read_as_empty_cells(tmp_path) -> None:
    # its last cells (here the letter) would have read as empty: an answer, and a wrong one
    rows = [ROW, ROW.replace("S1", "S2").rsplit(";", 1)[0]]
    result, out = _batch(tmp_path, _export(tmp_path, rows), _mapping(tmp_path))
    assert result.exit_code == 1, result.output
    errors = [r for r in csv.DictReader(out.open(encoding="utf-8")) if r["status"] == "error"]
    assert [r["candidate_id"] for r in errors] == ["S2"]
    assert (
        "6 cells where the header has 7 columns: the row ends before column 7" in errors[0]["error"]
    )


def test_a_sparse_date_column_written_otherwise_is_refused_though_few_rows_fail(tmp_path) -> None:
    # 40 rows give no letter date; the 8 that do are DD/MM: 6 fail, 2 (days of 12 or less)
    # would be read with day and month swapped, without a word
    plain = [ROW.replace("S1", f"P{n}").replace(";Y", ";N") + ";" for n in range(40)]
    dated = [
        ROW.replace("S1", f"D{n}") + f";{day}/05/2026"
        for n, day in enumerate([20, 21, 22, 23, 24, 25, 10, 11])
    ]
    result, out = _batch(
        tmp_path,
        _export(tmp_path, plain + dated, LETTER_HEADER),
        _mapping(tmp_path, LETTER_MAPPING),
    )
    assert result.exit_code == 2 and not out.exists(), result.output
    assert (
        "6 of the 8 rows with a date in the column have dates like 20/05/2026 in 'Letter Date'"
        in result.output
    )
    assert "date_formats: {letter_date: '%d/%m/%Y'}" in result.output


@pytest.mark.parametrize(
    ("change", "said"),
    [
        # a name written "Last, First" unquoted in a comma-separated export: a cell too many
        (
            lambda row: row.replace("José;Núñez", "José;Núñez;Jr"),
            "8 cells where the header has 7 columns",
        ),
        (lambda row: ";" + row.split(";", 1)[1], "the student's id is empty"),
    ],
    ids=["cells too many", "id empty"],
)
def test_most_rows_failing_alike_in_any_way_stop_with_one_message(tmp_path, change, said) -> None:
    rows = [change(ROW.replace("S1", f"S{n}")) for n in range(10)]
    result, out = _batch(tmp_path, _export(tmp_path, rows), _mapping(tmp_path))
    assert result.exit_code == 2 and not out.exists(), result.output
    assert f"10 of 10 rows: {said}" in result.output
    assert "nothing was written" in result.output


def test_an_export_without_a_job_end_column_says_its_jobs_are_taken_as_going_on(tmp_path) -> None:
    # every job then runs to the evaluation date: an answer may rest on it, so it is said
    (read,) = read_cohort(_export(tmp_path, [ROW]), load_mapping(_mapping(tmp_path)))
    assert read.profile.data["work_history"][0]["end_date"] is None
    assert any("taken as still going" in note for note in read.profile.assumed)
    header, row = HEADER + ";End Date", ROW + ";"
    mapping = MAPPING.replace(
        "  coding_start: Start Date\n", "  coding_start: Start Date\n  coding_end: End Date\n"
    )
    (read,) = read_cohort(
        _export(tmp_path, [row], header), load_mapping(_mapping(tmp_path, mapping))
    )
    assert not any("taken as still going" in note for note in read.profile.assumed)


def test_a_row_may_end_before_columns_left_out_and_a_few_ids_missing_are_error_rows(
    tmp_path,
) -> None:
    # a review: a row missing only the cell of an ignored last column lost nothing; and five
    # students of nine without an id are five error rows, not a refused export
    header = HEADER + ";Notes"
    mapping = MAPPING + "ignore: [Notes]\n"
    rows = [ROW.replace("S1", f"S{n}") for n in range(4)]
    rows += [";" + ROW.split(";", 1)[1] + ";x" for _ in range(5)]
    result, out = _batch(tmp_path, _export(tmp_path, rows, header), _mapping(tmp_path, mapping))
    assert result.exit_code == 1, result.output
    read = list(csv.DictReader(out.open(encoding="utf-8")))
    assert {r["candidate_id"] for r in read if r["status"] != "error"} == {"S0", "S1", "S2", "S3"}
    assert sum(r["status"] == "error" for r in read) == 5


def test_a_last_first_name_is_turned_round(tmp_path) -> None:
    """ "What Núñez, José still needs": the mapping could not say a name column is written
    last name first."""
    header = "Student ID;Student;Education;Start Date;Code Sets;Letter"
    mapping = MAPPING.replace("name: [First Name, Last Name]", "name: Student")
    row = "S1;Núñez, José;High School Diploma;03/15/2019;CPT, ICD-10-CM;Y"
    as_written = _profile(tmp_path, row, mapping, header=header)
    assert as_written["name"] == "Núñez, José"
    turned = _profile(tmp_path, row, mapping + "name_order: last_first\n", header=header)
    assert turned["name"] == "José Núñez"
    suffixed = row.replace("Núñez, José", "Smith, Jr., John")
    assert (
        _profile(tmp_path, suffixed, mapping + "name_order: last_first\n", header=header)["name"]
        == "John Smith, Jr."
    )
    with pytest.raises(InputError, match="name_order 'surname_first' is not one of"):
        load_mapping(_mapping(tmp_path, mapping + "name_order: surname_first\n"))


CREDENTIALED = HEADER + ";Certifications"
WITH_CREDENTIALS = MAPPING.replace(
    "  letter_on_file: Letter\n", "  letter_on_file: Letter\n  credentials: Certifications\n"
)


def _credentialed(tmp_path: Path, held: list[str], mapping: str = WITH_CREDENTIALS, *more: str):
    """A batch of an export whose students hold ``held`` (one row each; "" holds none), with
    a summary in Markdown and in HTML."""
    rows = [f"{ROW.replace('S1', f'S{n}')};{given}" for n, given in enumerate(held)]
    source = _export(tmp_path, rows, CREDENTIALED)
    out, md, html = (tmp_path / name for name in ("report.csv", "summary.md", "summary.html"))
    options = ["--mapping", str(_mapping(tmp_path, mapping)), "--out", str(out)]
    result = CliRunner().invoke(main, ["batch", str(source), *options, "--summary", str(md)])
    assert "Traceback" not in result.output
    if result.exit_code == 0:
        again = CliRunner().invoke(main, ["batch", str(source), *options, "--summary", str(html)])
        assert again.exit_code == 0, again.output
    return result, out, md, html


def test_most_rows_naming_a_credential_the_rules_do_not_know_stop_with_the_map(tmp_path):
    """The program audit (s28, H3): an export writing "CPC Apprentice" for the CPC-A had every
    apprentice answered as holding nothing, exit 0, with a word only in a column of the long
    report. Most of the rows that give credentials naming it is a map the mapping lacks."""
    held = ["CPC Apprentice"] * 6 + ["COC Apprentice", "CPC Apprentice, CRC", "CCA", "CCA"]
    result, out, _, _ = _credentialed(tmp_path, held + [""] * 20)
    assert result.exit_code == 2 and not out.exists()
    assert (
        "8 of the 10 rows with credentials name credentials these rules do not know, like"
        " 'CPC Apprentice' and 'COC Apprentice' in 'Certifications': each would count toward"
        " nothing" in result.output
    )
    assert "values: {credentials: {'CPC Apprentice': CPC-A, 'COC Apprentice': COC-A}}" in (
        result.output
    )
    assert result.output.count("\n") < 4
    mapped = WITH_CREDENTIALS.replace(
        "  letter_on_file: {Y: yes, N: no}\n",
        "  letter_on_file: {Y: yes, N: no}\n"
        "  credentials: {'CPC Apprentice': CPC-A, 'COC Apprentice': COC-A}\n",
    )
    result, out, md, _ = _credentialed(tmp_path, held + [""] * 20, mapped)
    assert result.exit_code == 0, result.output
    assert "Warning" not in result.output and "do not know" not in md.read_text(encoding="utf-8")


def test_a_few_rows_naming_a_credential_the_rules_do_not_know_are_said_where_a_director_looks(
    tmp_path,
):
    """Fewer rows naming credentials the rules do not know: the run goes on, and the summary
    (Markdown and HTML) and the closing line say which, how many and the fix."""
    held = ["CPC Apprentice", "RN"] + ["CPC-A"] * 8
    result, _, md, html = _credentialed(tmp_path, held)
    assert result.exit_code == 0, result.output
    assert (
        "Warning: 2 students name credentials these rules do not know: 'CPC Apprentice' (1),"
        " 'RN' (1); each counts toward nothing (the summary lists them; write the ids"
        " 'eligibility list' gives, or map them: values: {credentials: {'CPC Apprentice':"
        " CPC-A}})" in result.output
    )
    summary = md.read_text(encoding="utf-8")
    assert "## Credentials these rules do not know" in summary
    assert "- 'CPC Apprentice' (perhaps CPC-A) — 1 student: José Núñez" in summary
    assert "- 'RN' — 1 student: José Núñez" in summary
    assert "values: {credentials: {'CPC Apprentice': CPC-A}}" in summary
    page = html.read_text(encoding="utf-8")
    assert 'id="strangers"' in page and "&#39;CPC Apprentice&#39; (perhaps CPC-A)" in page


@pytest.mark.parametrize(
    ("form", "written", "read"),
    [
        ("%m/%d/%Y", "11/2024", "2024-11"),
        ("%b %d, %Y", "Feb 2025", "2025-02"),
        ("%d.%m.%Y", "09.2023", "2023-09"),
        ("%m/%d/%Y", "2024-11", "2024-11"),
        ("%m/%d/%Y", "2024", "2024"),
    ],
)
def test_a_date_known_only_to_its_month_may_be_written_in_the_export_s_format(
    tmp_path, form, written, read
) -> None:
    """The program audit (s28, M4): '11/2024' under %m/%d/%Y (and 'Feb 2025' under
    %b %d, %Y) was an error row, where '2024-11' in the same column is read to the month."""
    row = ROW.replace("03/15/2019", written)
    data = _profile(tmp_path, row, MAPPING.replace("%m/%d/%Y", form))
    assert data["work_history"][0]["start_date"] == read


def test_a_date_no_format_reads_names_the_month_form_in_its_fix(tmp_path) -> None:
    rows = [ROW.replace("S1", f"S{n}") for n in range(10)]
    rows[2] = rows[2].replace("03/15/2019", "13/45/2024")
    result, out = _batch(tmp_path, _export(tmp_path, rows), _mapping(tmp_path))
    assert result.exit_code == 1
    with out.open(encoding="utf-8", newline="") as handle:
        (error,) = [row["error"] for row in csv.DictReader(handle) if row["status"] == "error"]
    assert "a date known only to its month may be written 11/2024 (%m/%Y) or 2024-11" in error


MONTHLY = HEADER + ";Paid Through;Renews"
WITH_MEMBERSHIP = MAPPING.replace(
    "  letter_on_file: Letter\n",
    "  letter_on_file: Letter\n  aapc_paid_through: Paid Through\n  aapc_renewal_month: Renews\n",
)


def test_a_value_map_reads_a_number_column(tmp_path) -> None:
    """The program audit (s28, M5): a map for the renewal month's names (or for hours written
    'forty') was accepted and never read: every row was then 'not a number'."""
    mapping = WITH_MEMBERSHIP.replace(
        "  letter_on_file: {Y: yes, N: no}\n",
        "  letter_on_file: {Y: yes, N: no}\n  aapc_renewal_month: {June: 6, July: 7}\n",
    )
    row = ROW + ";06/30/2027;june"
    data = _profile(tmp_path, row, mapping, header=MONTHLY)
    assert data["memberships"][0]["renewal_month"] == 6


@pytest.mark.parametrize(
    ("values", "said"),
    [
        ("  as_of: {x: y}\n", "line 13 ($.values.as_of): as_of is a date column"),
        ("  candidate_id: {A: B}\n", "candidate_id is read as written, not mapped"),
        ("  hours_per_week: {forty: lots}\n", "'lots' (for 'forty') is not a number"),
    ],
)
def test_a_value_map_read_nowhere_is_refused_with_its_line(tmp_path, values, said) -> None:
    mapping = MAPPING.replace(
        "  letter_on_file: {Y: yes, N: no}\n", "  letter_on_file: {Y: yes, N: no}\n" + values
    )
    result, _ = _batch(tmp_path, _export(tmp_path, [ROW]), _mapping(tmp_path, mapping))
    assert result.exit_code == 2
    assert said in result.output


def test_month_names_in_most_rows_give_the_month_map(tmp_path) -> None:
    months = ["June", "July", "March", "June", "May", "June"]
    rows = [f"{ROW.replace('S1', f'S{n}')};06/30/2027;{m}" for n, m in enumerate(months)]
    source = _export(tmp_path, rows, MONTHLY)
    result, out = _batch(tmp_path, source, _mapping(tmp_path, WITH_MEMBERSHIP))
    assert result.exit_code == 2 and not out.exists()
    assert "export 'Renews' as month numbers (6, not 'June')" in result.output
    assert "values: {aapc_renewal_month: {January: 1, February: 2," in result.output
    assert "80 hrs" not in result.output


def test_a_credential_a_letter_off_one_of_the_rules_is_not_taken_for_it(tmp_path) -> None:
    """A billing program's CPB (AAPC's biller) is one letter off the CPC: named in the summary,
    never mapped to the CPC, nor a reason to stop."""
    result, _, md, _ = _credentialed(tmp_path, ["CPB"] * 8)
    assert result.exit_code == 0, result.output
    assert "8 students name credentials these rules do not know: 'CPB' (8)" in result.output
    assert "- 'CPB' — 8 students:" in md.read_text(encoding="utf-8")
    assert "CPB': CPC" not in result.output


@pytest.mark.parametrize("format_says", ["date_format", "date_formats"])
def test_a_date_column_written_day_first_is_refused_though_few_rows_fail(
    tmp_path, format_says
) -> None:
    """Audit s31 (B2): 10 start dates written DD/MM, 3 with a day over 12, under a mapping
    reading MM/DD: the 3 were error rows and the other 7 were read with day and month swapped
    without a word (03/01/2025, the 3rd of January, read as the 1st of March)."""
    days = [
        "03/01",
        "05/02",
        "07/03",
        "02/04",
        "06/05",
        "01/06",
        "04/07",
        "20/01",
        "25/02",
        "31/03",
    ]
    rows = [
        ROW.replace("S1", f"S{n}").replace("03/15/2019", f"{d}/2025") for n, d in enumerate(days)
    ]
    mapping = MAPPING
    if format_says == "date_formats":  # the start column's own format: the fix is for it alone
        mapping = MAPPING.replace(
            'date_format: "%m/%d/%Y"', "date_formats: {coding_start: '%m/%d/%Y'}"
        )
    result, out = _batch(tmp_path, _export(tmp_path, rows), _mapping(tmp_path, mapping))
    assert result.exit_code == 2 and not out.exists(), result.output
    assert "3 of the 10 rows with a date in the column have dates like 20/01/2025" in result.output
    assert "'Start Date' are written with day and month the other way round" in result.output
    if format_says == "date_format":
        assert "change date_format in the mapping file" in result.output
        assert "to '%d/%m/%Y' (it is every date column's)" in result.output
    else:
        assert "change the date format of coding_start in the mapping file" in result.output


def test_a_date_column_in_the_mapping_s_order_with_a_few_mistyped_days_is_read(tmp_path) -> None:
    """Dates only the mapping's order reads (03/15) show the column is written as it says: two
    cells that read only the other way round (typed day first) are error rows, not a stop."""
    days = ["03/15", "04/20", "05/02", "06/07", "20/01", "25/02"]
    rows = [
        ROW.replace("S1", f"S{n}").replace("03/15/2019", f"{d}/2025") for n, d in enumerate(days)
    ]
    result, out = _batch(tmp_path, _export(tmp_path, rows), _mapping(tmp_path))
    assert result.exit_code == 1, result.output
    errors = [r for r in csv.DictReader(out.open(encoding="utf-8")) if r["status"] == "error"]
    assert sorted(r["candidate_id"] for r in errors) == ["S4", "S5"]


def test_lists_split_at_another_mark_ask_for_the_separator_not_a_value_map(tmp_path) -> None:
    """Audit s31 (B1): code sets "CPT, ICD-10-CM" read with the default separator are one
    value the column does not take; the fix mapped the whole list to one code set, which
    would have quietly dropped the others."""
    no_separator = MAPPING.replace('list_separator: ","\n', "")
    assert no_separator != MAPPING
    rows = [ROW.replace("S1", f"S{n}") for n in range(10)]
    result, out = _batch(tmp_path, _export(tmp_path, rows), _mapping(tmp_path, no_separator))
    assert result.exit_code == 2 and not out.exists(), result.output
    assert "they are lists separated by ','" in result.output
    assert "list_separator: ','" in result.output and "values: {code_sets" not in result.output
    # below the one message too: the error row's own fix names the separator
    rows = [ROW.replace("S1", f"S{n}").replace("CPT, ICD-10-CM", "CPT") for n in range(10)]
    rows.append(ROW.replace("S1", "S10"))
    result, out = _batch(tmp_path, _export(tmp_path, rows), _mapping(tmp_path, no_separator))
    assert result.exit_code == 1, result.output
    (error,) = [r for r in csv.DictReader(out.open(encoding="utf-8")) if r["status"] == "error"]
    assert "(it is a list separated by ',')" in error["error"]
    assert "list_separator: ','" in error["error"]
