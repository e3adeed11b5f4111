"""The reader's built-in words (`dialogs.reading`): label aliases of the six default questions, units.

Data, folded and in capitals; configured labels are added to these per program.
"""

from __future__ import annotations

from collections.abc import Mapping

# Built-in label words of the six default questions, folded, in capitals.
ALIASES: Mapping[str, tuple[str, ...]] = {
    "spo2": ("SPO2", "SP02", "SPO", "SP", "SPO 2", "SP O2", "OXY", "OXI", "OXY MAU", "SAT", "SATURATION", "O2"),
    "breaths": ("NHIP THO", "NHIPTHO", "NT", "THO", "BREATHS", "BREATHING", "BREATH", "RR", "RESP"),
    "pulse": ("MACH", "M", "NHIP TIM", "HR", "PULSE", "HEART RATE"),
    "temperature": ("NHIET DO", "NHIETDO", "NHIET", "ND", "T", "SOT", "THAN NHIET", "TEMP", "TEMPERATURE", "FEVER"),
    "breathless": ("KHO THO", "DAU NGUC", "KT", "BREATHLESS", "CHEST PAIN", "SHORT OF BREATH"),
    "signs": ("DAU HIEU KHAC", "DAU HIEU", "DH", "DHK", "KHAC", "SIGNS", "SIGN", "OTHER SIGNS", "OTHER"),
}
# Units after a number; the question they name, or "" when they fit several ("l/p": breaths or pulse).
UNITS: Mapping[str, str] = {
    "%": "spo2",
    "°C": "temperature",  # "37C", "37,5°C": a C written against the number (a C alone is a yes)
    "DO": "temperature",
    "DOC": "temperature",
    "BPM": "pulse",
    "L": "",
    "P": "",
    "LAN": "",
    "PHUT": "",
    "PH": "",
    "MIN": "",
    "NHIP": "",
    "CK": "",
}
LABEL_PARTS_THAT_ARE_UNITS = frozenset({"PHUT", "MIN", "%", "C"})
