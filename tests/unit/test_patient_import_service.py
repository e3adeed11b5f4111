"""The import service over the in-memory unit of work: all rows or none, fresh codes, welcomes queued as bulk."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dialogs.bulk_register import Column, SheetRow
from dialogs.program import Program
from f0care.service import patient_import
from f0care.service.patient_import import Registrar, import_patients, preview
from tests.support.fake_uow import FakeDatabase, FakePatients
from tests.unit.conftest import DOCTOR, NOW, TRAN_PHU

BY = Registrar("BS Lan", DOCTOR, channel="web", source="danh-sach.csv")


def rows(count: int, start: int = 0) -> list[SheetRow]:
    return [
        SheetRow(
            i + 2,
            {
                Column.PHONE: f"0987{100000 + i:06d}",
                Column.NAME: f"Nguyen Van {chr(65 + i % 26)}{chr(65 + i // 26)}",
                Column.BIRTH: "1980",
                Column.WARD: "Tran Phu",
            },
        )
        for i in range(start, start + count)
    ]


def codes_from(*codes: str) -> Iterator[str]:
    yield from codes
    raise AssertionError("more codes drawn than expected")


def test_a_clean_file_registers_every_patient_active_with_a_welcome_queued_behind_alerts(program: Program) -> None:
    db = FakeDatabase()
    done = import_patients(db.unit_of_work, program, rows(30), TRAN_PHU, BY, NOW)
    assert done.done
    patients = list(db.tables.patients.values())
    assert len(patients) == len({p.code for p in patients}) == 30
    assert {p.status for p in patients} == {"active"}
    assert {p.decided_by for p in patients} == {"BS Lan"}
    assert sorted(code for _, code in done.codes) == sorted(p.code for p in patients)
    welcomes = [m for m in db.tables.messages if m.kind == "welcome"]
    assert len(welcomes) == len(done.queued) == 30
    assert {m.priority for m in welcomes} == {1}
    assert {m.patient_id for m in welcomes} == {p.id for p in patients}
    assert db.commits == 1
    audit = {
        note.patient_code: (note.action, note.by_name, note.detail, patient_id, channel)
        for note, patient_id, channel, _ in db.tables.audit
    }
    first = next(p for p in patients if p.phone == "+84987100000")
    assert audit[first.code] == ("register", "BS Lan", "import danh-sach.csv row 2", first.id, "web")


def test_one_bad_row_and_nobody_is_registered(program: Program) -> None:
    db = FakeDatabase()
    file = [*rows(10), SheetRow(12, {Column.PHONE: "0987000000", Column.NAME: "Le Van B", Column.BIRTH: "1980"})]
    done = import_patients(db.unit_of_work, program, file, TRAN_PHU, BY, NOW)
    assert not done.done
    assert [(p.row, p.key) for p in done.plan.problems] == [(12, "ward_missing")]
    assert (db.tables.patients, db.tables.messages, db.commits) == ({}, [], 0)


def test_a_failed_write_leaves_nothing_behind(program: Program) -> None:
    db = FakeDatabase(broken={"commit"})
    with pytest.raises(RuntimeError):
        import_patients(db.unit_of_work, program, rows(5), TRAN_PHU, BY, NOW)
    assert (db.tables.patients, db.tables.messages) == ({}, [])


def test_importing_the_same_file_again_registers_nobody_twice(program: Program) -> None:
    db = FakeDatabase()
    import_patients(db.unit_of_work, program, rows(5), TRAN_PHU, BY, NOW)
    again = import_patients(db.unit_of_work, program, rows(7), TRAN_PHU, BY, NOW)
    assert again.done
    assert len(again.plan.skipped) == 5
    assert [row for row, _ in again.codes] == [7, 8]
    assert len(db.tables.patients) == 7


def test_a_dry_run_writes_nothing(program: Program) -> None:
    db = FakeDatabase()
    plan = preview(db.unit_of_work, program, rows(5), TRAN_PHU, NOW)
    assert len(plan.ready) == 5
    assert (db.tables.patients, db.commits) == ({}, 0)


def test_codes_other_patients_hold_are_never_drawn(program: Program, monkeypatch: pytest.MonkeyPatch) -> None:
    db = FakeDatabase()
    monkeypatch.setattr(patient_import, "new_code", codes_from("AAAAA").__next__)
    import_patients(db.unit_of_work, program, rows(1), TRAN_PHU, BY, NOW)
    monkeypatch.setattr(patient_import, "new_code", codes_from("AAAAA", "BBBBB", "CCCCC").__next__)
    done = import_patients(db.unit_of_work, program, rows(2, start=1), TRAN_PHU, BY, NOW)
    assert sorted(code for _, code in done.codes) == ["BBBBB", "CCCCC"]


def test_a_code_taken_during_the_import_runs_it_again(program: Program, monkeypatch: pytest.MonkeyPatch) -> None:
    db = FakeDatabase()
    monkeypatch.setattr(patient_import, "new_code", codes_from("AAAAA").__next__)
    import_patients(db.unit_of_work, program, rows(1), TRAN_PHU, BY, NOW)
    looked = []
    real = FakePatients.codes_taken

    def blind_once(self: FakePatients, codes: list[str]) -> set[str]:
        looked.append(codes)
        return set() if len(looked) == 1 else real(self, codes)  # as if "AAAAA" were taken just after the look

    monkeypatch.setattr(FakePatients, "codes_taken", blind_once)
    monkeypatch.setattr(patient_import, "new_code", codes_from("AAAAA", "AAAAA", "DDDDD").__next__)
    done = import_patients(db.unit_of_work, program, rows(1, start=1), TRAN_PHU, BY, NOW)
    assert [code for _, code in done.codes] == ["DDDDD"]
    assert len(db.tables.patients) == 2


def test_progress_is_told_in_batches_up_to_the_whole_file(program: Program, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(patient_import, "BATCH", 4)
    told: list[tuple[int, int]] = []
    import_patients(FakeDatabase().unit_of_work, program, rows(10), TRAN_PHU, BY, NOW, lambda d, t: told.append((d, t)))
    assert told == [(4, 10), (8, 10), (10, 10)]
