"""`f0care import FILE --clinic ID [--dry-run]` as an operator runs it, on SQLite and PostgreSQL.

All or nothing: a file with one bad row, or a write the database refuses, leaves no patient and no SMS.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from openpyxl import Workbook
from sqlalchemy import text

from f0care.cli import main
from f0care.exchange import read
from models.db import make_engine
from tests.integration.test_cli import SHIPPED, SHIPPED_DB
from tests.support.databases import schema_database

HEADER = "Họ và tên,Năm sinh,Số điện thoại,Phường/Xã,Ngày xét nghiệm,Yếu tố nguy cơ\n"
GOOD = [
    "Nguyễn Văn An,1980,0987654321,Trần Phú,,13",
    "Lê Thị Bình,15/03/1990,01683456789,P. Nguyễn Trãi,,có thai",
    "Trần Văn Cường,1940,+84 912 345 111,tran phu,,",
]
BAD = "Phạm Văn Dũng,3000,0220 3852 000,Quang Trung,,"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with schema_database(request.param, tmp_path) as made:
        yield made


@pytest.fixture
def config_file(tmp_path: Path, url: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(SHIPPED.replace(SHIPPED_DB, f'url: "{url}"'), encoding="utf-8")
    return path


def run(config: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--config", str(config), *args], env={"DATABASE_URL": None})


def sql(url: str, statement: str) -> list[tuple[object, ...]]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(statement))]
    finally:
        engine.dispose()


def csv_file(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "patients.csv"
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def nothing_stored(url: str) -> bool:
    return sql(url, "SELECT count(*) FROM patient")[0][0] == 0 and sql(url, "SELECT count(*) FROM message")[0][0] == 0


def test_a_dry_run_lists_every_problem_by_row_and_column_and_writes_nothing(
    tmp_path: Path, config_file: Path, url: str
) -> None:
    result = run(config_file, "import", str(csv_file(tmp_path, *GOOD, BAD)), "--clinic", "tyt-tran-phu", "--dry-run")
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert any(line.startswith("5") and "Năm sinh" in line and "“3000”" in line for line in lines), result.output
    assert any(line.startswith("5") and "Số điện thoại" in line and "landline" in line for line in lines)
    assert any(
        line.startswith("5") and "Phường/Xã" in line and "Tram Y te phuong Quang Trung" in line for line in lines
    )
    assert "nothing was imported" in result.output
    assert nothing_stored(url)


def test_an_import_registers_every_patient_active_and_queues_each_welcome(
    tmp_path: Path, config_file: Path, url: str
) -> None:
    file = str(csv_file(tmp_path, *GOOD))
    dry = run(config_file, "import", file, "--clinic", "tyt-tran-phu", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "3 would be registered" in dry.output
    assert nothing_stored(url)
    result = run(config_file, "import", file, "--clinic", "tyt-tran-phu", "--by", "0912000002")
    assert result.exit_code == 0, result.output
    assert "3 registered and active" in result.output
    patients = sql(url, "SELECT phone, status, decided_by, clinic_id, area FROM patient ORDER BY phone")
    assert patients == [
        ("+84383456789", "active", "DD Mai", "tyt-tran-phu", "Nguyen Trai"),
        ("+84912345111", "active", "DD Mai", "tyt-tran-phu", "Tran Phu"),
        ("+84987654321", "active", "DD Mai", "tyt-tran-phu", "Tran Phu"),
    ]
    welcomes = sql(
        url, "SELECT m.phone, m.status, m.priority, p.code, m.body FROM message m JOIN patient p ON p.id = m.patient_id"
    )
    assert len(welcomes) == 3
    for phone, status, priority, code, body in welcomes:
        assert (status, priority) == ("queued", 1), phone
        assert f"Ma BN: {code}" in str(body)
    audit = sql(
        url, "SELECT a.patient_code, a.action, a.by_name, a.channel, a.detail FROM staff_action a ORDER BY a.detail"
    )
    codes = {str(phone): str(code) for phone, code in sql(url, "SELECT phone, code FROM patient")}
    assert audit[0] == (codes["+84987654321"], "register", "DD Mai", "import", "import patients.csv row 2")
    assert len(audit) == 3


def test_importing_the_same_file_again_skips_the_patients_it_registered(
    tmp_path: Path, config_file: Path, url: str
) -> None:
    file = str(csv_file(tmp_path, *GOOD))
    assert run(config_file, "import", file, "--clinic", "tyt-tran-phu").exit_code == 0
    again = run(config_file, "import", file, "--clinic", "tyt-tran-phu", "--json")
    assert again.exit_code == 0, again.output
    objects = [json.loads(line) for line in again.output.splitlines() if line.startswith("{")]
    assert objects[-1] == {"rows": 3, "registered": 0, "skipped": 3, "problems": 0, "dry_run": False}
    assert all("Registered already" in str(o["problem"]) for o in objects[:-1])
    assert sql(url, "SELECT count(*) FROM patient")[0][0] == 3


def test_one_bad_row_and_nobody_is_registered(tmp_path: Path, config_file: Path, url: str) -> None:
    result = run(config_file, "import", str(csv_file(tmp_path, *GOOD, BAD)), "--clinic", "tyt-tran-phu")
    assert result.exit_code == 1, result.output
    assert "1 with problems; nothing was imported" in result.output
    assert nothing_stored(url)


def test_a_write_the_database_refuses_leaves_no_patient_behind(tmp_path: Path, config_file: Path, url: str) -> None:
    if url.startswith("sqlite"):
        refuse = ["CREATE TRIGGER no_sms BEFORE INSERT ON message BEGIN SELECT RAISE(ABORT, 'refused'); END"]
    else:
        refuse = [
            "CREATE FUNCTION no_sms() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER no_sms BEFORE INSERT ON message FOR EACH ROW EXECUTE FUNCTION no_sms()",
        ]
    engine = make_engine(url)
    with engine.begin() as conn:
        for statement in refuse:
            conn.execute(text(statement))
    engine.dispose()
    result = run(config_file, "import", str(csv_file(tmp_path, *GOOD)), "--clinic", "tyt-tran-phu")
    assert result.exit_code == 3, result.output
    assert "database error" in result.output
    assert "nothing was imported" in result.output
    assert "Traceback" not in result.output
    assert nothing_stored(url)


def test_an_xlsx_file_is_imported_like_a_csv(tmp_path: Path, config_file: Path, url: str) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Phone", "Full name", "Year of birth", "Ward"])
    sheet.append([987654321, "Nguyen Van An", 1980, "Tran Phu"])
    data = io.BytesIO()
    book.save(data)
    path = tmp_path / "patients.xlsx"
    path.write_bytes(data.getvalue())
    result = run(config_file, "import", str(path), "--clinic", "tyt-tran-phu")
    assert result.exit_code == 0, result.output
    assert sql(url, "SELECT phone, status FROM patient") == [("+84987654321", "active")]


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"", "The file is empty"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "Excel 97-2003 (.xls)"),
        ("Số điện thoại,Họ tên\n0987654321,An\n".encode(), "Missing columns: birth_year, ward"),
        (b"\x00\x01\x02binary", "not a CSV or XLSX file"),
        (b"PK\x03\x04junk", "damaged"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_what_to_do_and_exit_2(
    tmp_path: Path, config_file: Path, url: str, content: bytes, said: str
) -> None:
    if url.startswith("postgresql"):
        pytest.skip("the file is refused before the database is opened")
    path = tmp_path / "patients.csv"
    path.write_bytes(content)
    result = run(config_file, "import", str(path), "--clinic", "tyt-tran-phu")
    assert result.exit_code == 2, result.output
    assert said in result.output
    assert "Traceback" not in result.output


def test_an_unknown_clinic_or_a_missing_file_is_refused_with_exit_2(
    tmp_path: Path, config_file: Path, url: str
) -> None:
    if url.startswith("postgresql"):
        pytest.skip("refused before the database is opened")
    unknown = run(config_file, "import", str(csv_file(tmp_path, *GOOD)), "--clinic", "tyt-nowhere")
    assert unknown.exit_code == 2
    assert "No clinic “tyt-nowhere”" in unknown.output
    assert "tyt-tran-phu" in unknown.output
    missing = run(config_file, "import", str(tmp_path / "nope.csv"), "--clinic", "tyt-tran-phu")
    assert missing.exit_code == 2
    assert "cannot read" in missing.output
    assert "Traceback" not in missing.output + unknown.output


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(
    tmp_path: Path, config_file: Path, url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if url.startswith("postgresql"):
        pytest.skip("refused before the database is opened")
    monkeypatch.setattr(read, "MAX_BYTES", 100)
    result = run(config_file, "import", str(csv_file(tmp_path, *GOOD)), "--clinic", "tyt-tran-phu")
    assert result.exit_code == 2, result.output
    assert "The file is too large (at most 1 KB)" in result.output
    assert "Traceback" not in result.output
