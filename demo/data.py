"""Demo data for the registries, the enforcement circuits and the demo logins.

`seed()` is idempotent: every record has a fixed id or number and is created only when missing,
so running it again (as `make run` does on every start) neither fails nor undoes what was done
in the demo since. `who_is_who()` lists the demo identities and what to try with each;
`format_who_is_who()` renders that list as a text table.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils.translation import get_language, gettext_lazy as _, pgettext_lazy

from najiz.common import clock
from najiz.common.identifiers import make_saudi_iban, with_check_digit
from najiz.registries.models import (
    Account,
    Bank,
    Deed,
    DeedOwner,
    Encumbrance,
    Entity,
    FirstHomeCertificate,
    HeirsDeed,
    HeirShare,
    Instrument,
    InstrumentDebtor,
    Person,
    PoaScope,
    PowerOfAttorney,
    PropertyType,
    Representation,
)

# --- identities -----------------------------------------------------------------------------

ABDULLAH = with_check_digit("100000001")  # 1000000016 creditor, seller
KHALID = with_check_digit("100000002")  # 1000000024 debtor
NOURA = with_check_digit("100000003")  # 1000000032 buyer
SULAIMAN = with_check_digit("100000004")  # 1000000040 deceased owner
FATIMA = with_check_digit("100000005")  # 1000000057 heir (wife)
FAHD = with_check_digit("100000006")  # 1000000065 heir (son), agent
REEM = with_check_digit("100000007")  # 1000000073 heir (daughter)
MOHAMED = with_check_digit("200000001")  # 2000000014 resident, valid iqama
RAJESH = with_check_digit("200000002")  # 2000000022 resident, expired iqama
JUDGE_RIYADH = with_check_digit("110000001")  # 1100000015
JUDGE_JEDDAH = with_check_digit("110000002")  # 1100000023
NOTARY = with_check_digit("110000003")  # 1100000031

OFUQ = "1010234567"  # Al-Ofuq Contracting, Riyadh
WAHA = "4030123456"  # Al-Waha Trading, Jeddah

JUDGE_PASSWORDS = {JUDGE_RIYADH: "najiz-judge-1", JUDGE_JEDDAH: "najiz-judge-2"}
NOTARY_PASSWORD = "najiz-notary-1"

DEED_VILLA = "310101000001"  # electronic, updated: Abdullah's, free to convey
DEED_PAPER = "310101000002"  # paper deed of Khalid
DEED_NOT_UPDATED = "310101000003"  # electronic but not updated, Noura's
DEED_MORTGAGED = "310101000004"  # Abdullah's, mortgaged to Al Rajhi
DEED_SEIZED = "310101000005"  # Khalid's, seized by the enforcement court
DEED_SHARED = "310101000006"  # Noura 60% + Abdullah 40%
DEED_ESTATE = "310101000007"  # the late Sulaiman's
DEED_DEBTOR = "310101000008"  # Khalid's, unencumbered (Art. 46 seizure target)

HEIRS_DEED = "4520000001"
POA_TRANSFER = "4510000001"  # Abdullah → Fahd, names transfer_ownership
POA_LITIGATION = "4510000002"  # Noura → Fahd, does not

JUDGMENT = "1446000101"
CHEQUE = "2000000201"
PROMISSORY_NOTE = "3000000301"
BILL = "4000000401"
AWARD = "5000000501"
NOTARISED_NOT_DUE = "6000000601"
SETTLEMENT = "7000000701"
CHEQUE_CANCELLED = "2000000202"
# Abdullah's cheques on Khalid, each filed by the seed and left in a state of the motions
CHEQUE_IN_GRACE = "2000000203"
CHEQUE_IN_SETTLEMENT = "2000000204"
CHEQUE_OBJECTED = "2000000205"
JUDGMENT_EXECUTED = "1446000102"


def _in_years(years: int) -> date:
    return clock.today() + timedelta(days=365 * years)


PERSONS = [
    # id, name_ar, name_en, gender, nationality, birth, city, phone, email, extra
    (ABDULLAH, "عبدالله بن محمد القحطاني", "Abdullah Mohammed Al-Qahtani", "m", "SA", date(1980, 2, 14), "riyadh", "0501234561", "abdullah.qahtani@example.sa", {}),
    (KHALID, "خالد بن سعد العتيبي", "Khalid Saad Al-Otaibi", "m", "SA", date(1983, 7, 2), "riyadh", "0551234562", "khalid.otaibi@example.sa", {}),
    (NOURA, "نورة بنت عبدالرحمن الشهري", "Noura Abdulrahman Al-Shehri", "f", "SA", date(1990, 11, 23), "jeddah", "0561234563", "noura.shehri@example.sa", {}),
    (SULAIMAN, "سليمان بن عبدالعزيز الدوسري", "Sulaiman Abdulaziz Al-Dosari", "m", "SA", date(1951, 5, 9), "riyadh", "", "", {"alive": False, "date_of_death": date(2024, 3, 10)}),
    (FATIMA, "فاطمة بنت علي الزهراني", "Fatima Ali Al-Zahrani", "f", "SA", date(1958, 1, 30), "riyadh", "0531234565", "fatima.zahrani@example.sa", {}),
    (FAHD, "فهد بن سليمان الدوسري", "Fahd Sulaiman Al-Dosari", "m", "SA", date(1982, 9, 17), "riyadh", "0541234566", "fahd.dosari@example.sa", {}),
    (REEM, "ريم بنت سليمان الدوسري", "Reem Sulaiman Al-Dosari", "f", "SA", date(1988, 4, 5), "riyadh", "0591234567", "reem.dosari@example.sa", {}),
    (MOHAMED, "محمد أحمد عبدالفتاح", "Mohamed Ahmed Abdelfattah", "m", "EG", date(1979, 12, 1), "jeddah", "0571234568", "mohamed.abdelfattah@example.sa", {}),
    (RAJESH, "راجيش كومار", "Rajesh Kumar", "m", "IN", date(1986, 6, 21), "dammam", "0581234569", "rajesh.kumar@example.sa", {"id_expiry": date(2024, 1, 31)}),
]

ENTITIES = [
    (OFUQ, "شركة الأفق للمقاولات المحدودة", "Al-Ofuq Contracting Co. Ltd.", "riyadh", ABDULLAH, Representation.Role.MANAGER),
    (WAHA, "مؤسسة الواحة التجارية", "Al-Waha Trading Est.", "jeddah", FAHD, Representation.Role.OWNER),
]

BANKS = [
    ("80", "مصرف الراجحي", "Al Rajhi Bank"),
    ("10", "البنك الأهلي السعودي", "Saudi National Bank"),
    ("20", "بنك الرياض", "Riyad Bank"),
    ("05", "مصرف الإنماء", "Alinma Bank"),
    ("45", "البنك السعودي الأول", "Saudi Awwal Bank"),
]

# holder (id or CR), bank code, account serial, balance
ACCOUNTS = [
    (ABDULLAH, "80", 1, "250000.00"),
    (KHALID, "80", 2, "45000.00"),
    (KHALID, "10", 3, "18500.50"),
    (NOURA, "20", 4, "2500000.00"),
    (SULAIMAN, "10", 5, "120000.00"),
    (FATIMA, "45", 6, "30000.00"),
    (FAHD, "80", 7, "85000.00"),
    (REEM, "05", 8, "12000.00"),
    (MOHAMED, "05", 9, "15750.00"),
    (RAJESH, "80", 10, "3200.00"),
    (OFUQ, "10", 11, "1250000.00"),
    (WAHA, "80", 12, "96400.25"),
]


def demo_iban(bank_code: str, serial: int) -> str:
    return make_saudi_iban(bank_code, f"1{serial:017d}")


# number, electronic, updated, type, city, district, plan, plot, area, value, owners [(id, exact share)]
DEEDS = [
    (DEED_VILLA, True, True, PropertyType.VILLA, "riyadh", "حي الملقا", "2560", "118", "625.00", "1850000.00", [(ABDULLAH, "1")]),
    (DEED_PAPER, False, False, PropertyType.LAND, "riyadh", "حي السويدي", "1187", "42", "900.00", "650000.00", [(KHALID, "1")]),
    (DEED_NOT_UPDATED, True, False, PropertyType.APARTMENT, "jeddah", "حي الروضة", "605/ب", "17", "180.00", "720000.00", [(NOURA, "1")]),
    (DEED_MORTGAGED, True, True, PropertyType.VILLA, "riyadh", "حي الياسمين", "3124", "560", "450.00", "1600000.00", [(ABDULLAH, "1")]),
    (DEED_SEIZED, True, True, PropertyType.LAND, "riyadh", "حي العارض", "3401", "233", "750.00", "900000.00", [(KHALID, "1")]),
    (DEED_SHARED, True, True, PropertyType.COMMERCIAL, "jeddah", "حي الشاطئ", "702", "9", "1200.00", "3200000.00", [(NOURA, "3/5"), (ABDULLAH, "2/5")]),
    (DEED_ESTATE, True, True, PropertyType.VILLA, "riyadh", "حي الربوة", "1290", "77", "500.00", "1400000.00", [(SULAIMAN, "1")]),
    (DEED_DEBTOR, True, True, PropertyType.APARTMENT, "riyadh", "حي النخيل", "2871", "305", "210.00", "780000.00", [(KHALID, "1")]),
]

DISTRICTS_EN = {
    "حي الملقا": "Al Malqa", "حي السويدي": "Al Suwaidi", "حي الروضة": "Al Rawdah", "حي الياسمين": "Al Yasmin",
    "حي العارض": "Al Arid", "حي الشاطئ": "Al Shati", "حي الربوة": "Al Rabwah", "حي النخيل": "Al Nakheel",
}

# deed, kind, placed by (Arabic, English), reference
ENCUMBRANCES = [
    (DEED_MORTGAGED, Encumbrance.Kind.MORTGAGE, "مصرف الراجحي", "Al Rajhi Bank", "MTG-2023-0091"),
    (DEED_SEIZED, Encumbrance.Kind.SEIZURE, "الدائرة الأولى للتنفيذ — محكمة التنفيذ بالرياض",
     "First Enforcement Circuit, Enforcement Court in Riyadh", "EN-2024-000417"),
]

# Shares as the heirs deed counts them, out of 24 (سهام): the wife an eighth, the son twice the daughter.
# The housing registry's first-home certificates: a buyer holding one pays no transaction tax on
# the first 1,000,000 SAR of the price.
FIRST_HOME_CERTIFICATES = [("FH00000001", REEM)]

HEIRS = [(FATIMA, "wife", "3/24"), (FAHD, "son", "14/24"), (REEM, "daughter", "7/24")]

K = Instrument.Kind
S = Instrument.Status
# number, kind, issuer, creditor, debtors, amount, issue date, due date, status
INSTRUMENTS = [
    (JUDGMENT, K.JUDGMENT, "المحكمة العامة بالرياض — الدائرة العامة الثالثة", ABDULLAH, [KHALID], "150000.00", date(2024, 11, 3), date(2024, 12, 3), S.VALID),
    (CHEQUE, K.CHEQUE, "مصرف الراجحي — شيك مسحوب على حساب المدين", ABDULLAH, [KHALID], "35000.00", date(2025, 1, 15), date(2025, 1, 15), S.VALID),
    (PROMISSORY_NOTE, K.PROMISSORY_NOTE, "سند لأمر محرر في جدة", WAHA, [MOHAMED], "12500.00", date(2024, 9, 1), date(2025, 3, 1), S.VALID),
    (BILL, K.BILL_OF_EXCHANGE, "كمبيالة مسحوبة في الرياض", OFUQ, [WAHA], "80000.00", date(2024, 10, 10), date(2025, 2, 10), S.VALID),
    (AWARD, K.ARBITRAL_AWARD, "المركز السعودي للتحكيم التجاري — مذيل بأمر التنفيذ", OFUQ, [KHALID, MOHAMED], "220000.00", date(2024, 6, 20), date(2024, 8, 20), S.VALID),
    (NOTARISED_NOT_DUE, K.NOTARISED_DOCUMENT, "كتابة العدل الثانية بجدة", NOURA, [KHALID], "60000.00", date(2025, 2, 1), None, S.VALID),
    (SETTLEMENT, K.OTHER_ART9, "محضر صلح — مركز المصالحة بوزارة العدل", FAHD, [RAJESH], "18000.00", date(2025, 2, 20), date(2025, 4, 1), S.VALID),
    (CHEQUE_IN_GRACE, K.CHEQUE, "البنك العربي الوطني — شيك مسحوب على حساب المدين", ABDULLAH, [KHALID], "12000.00", date(2025, 4, 2), date(2025, 4, 2), S.VALID),
    (CHEQUE_IN_SETTLEMENT, K.CHEQUE, "البنك العربي الوطني — شيك مسحوب على حساب المدين", ABDULLAH, [KHALID], "24000.00", date(2025, 4, 9), date(2025, 4, 9), S.VALID),
    (CHEQUE_OBJECTED, K.CHEQUE, "البنك العربي الوطني — شيك مسحوب على حساب المدين", ABDULLAH, [KHALID], "7000.00", date(2025, 4, 16), date(2025, 4, 16), S.VALID),
    (CHEQUE_CANCELLED, K.CHEQUE, "البنك الأهلي السعودي — شيك ملغى", ABDULLAH, [NOURA], "9000.00", date(2025, 3, 5), date(2025, 3, 5), S.CANCELLED),
    (JUDGMENT_EXECUTED, K.JUDGMENT, "المحكمة العامة بجدة — الدائرة العامة الأولى", NOURA, [ABDULLAH], "25000.00", date(2023, 5, 14), date(2023, 6, 14), S.EXECUTED),
]
ISSUERS_EN = {
    JUDGMENT: "General Court in Riyadh, Third General Circuit",
    CHEQUE: "Al Rajhi Bank, a cheque drawn on the debtor's account",
    PROMISSORY_NOTE: "A promissory note made in Jeddah",
    BILL: "A bill of exchange drawn in Riyadh",
    AWARD: "Saudi Center for Commercial Arbitration, with its enforcement order",
    NOTARISED_NOT_DUE: "Second Notary Public in Jeddah",
    SETTLEMENT: "Settlement record, Reconciliation Center of the Ministry of Justice",
    CHEQUE_CANCELLED: "Saudi National Bank, a cancelled cheque",
    JUDGMENT_EXECUTED: "General Court in Jeddah, First General Circuit",
}
NOT_DUE_FOR_YEARS = 2  # NOTARISED_NOT_DUE falls due this long after the demo is first loaded

POAS = [
    (POA_TRANSFER, ABDULLAH, FAHD, [PoaScope.TRANSFER_OWNERSHIP, PoaScope.SELL, PoaScope.RECEIVE_PAYMENT]),
    (POA_LITIGATION, NOURA, FAHD, [PoaScope.LITIGATION, PoaScope.ENFORCEMENT]),
]

CIRCUITS = [
    # code, name_ar, name_en, court_ar, court_en, city, judge
    ("riyadh-1", "الدائرة الأولى للتنفيذ", "First Enforcement Circuit", "محكمة التنفيذ بالرياض", "Enforcement Court in Riyadh", "riyadh", JUDGE_RIYADH),
    ("riyadh-2", "الدائرة الثانية للتنفيذ", "Second Enforcement Circuit", "محكمة التنفيذ بالرياض", "Enforcement Court in Riyadh", "riyadh", JUDGE_JEDDAH),
    ("jeddah-1", "الدائرة الأولى للتنفيذ", "First Enforcement Circuit", "محكمة التنفيذ بجدة", "Enforcement Court in Jeddah", "jeddah", JUDGE_JEDDAH),
]

STAFF = [
    (JUDGE_RIYADH, "سعد بن ناصر الحربي", "Saad Nasser Al-Harbi", JUDGE_PASSWORDS[JUDGE_RIYADH], "judges"),
    (JUDGE_JEDDAH, "عبدالرحمن بن صالح المالكي", "Abdulrahman Saleh Al-Malki", JUDGE_PASSWORDS[JUDGE_JEDDAH], "judges"),
    (NOTARY, "ماجد بن عبدالله السبيعي", "Majed Abdullah Al-Subaie", NOTARY_PASSWORD, "notaries"),
]


# --- seeding --------------------------------------------------------------------------------


def _holder(key: str) -> dict:
    if key in (OFUQ, WAHA):
        return {"person": None, "entity": Entity.objects.get(cr_number=key)}
    return {"person": Person.objects.get(national_id=key), "entity": None}


def _seed_persons():
    for national_id, name_ar, name_en, gender, nationality, birth, city, phone, email, extra in PERSONS:
        defaults = {
            "name_ar": name_ar, "name_en": name_en, "gender": gender, "nationality": nationality, "birth_date": birth,
            "city": city, "phone": phone, "email": email, "id_expiry": _in_years(3 if national_id[0] == "2" else 6),
        }
        Person.objects.get_or_create(national_id=national_id, defaults={**defaults, **extra})


def _seed_entities():
    for cr_number, name_ar, name_en, city, representative, role in ENTITIES:
        company, _created = Entity.objects.get_or_create(cr_number=cr_number, defaults={"name_ar": name_ar, "name_en": name_en, "city": city})
        Representation.objects.get_or_create(entity=company, person=Person.objects.get(national_id=representative), defaults={"role": role})


def _seed_banks():
    from najiz.registries.services import court_trust_account

    for code, name_ar, name_en in BANKS:
        Bank.objects.get_or_create(code=code, defaults={"name_ar": name_ar, "name_en": name_en})
    for holder, code, serial, balance in ACCOUNTS:
        Account.objects.get_or_create(
            iban=demo_iban(code, serial), defaults={"bank": Bank.objects.get(code=code), "balance": Decimal(balance), **_holder(holder)}
        )
    court_trust_account()


OFFICES = {"riyadh": "كتابة العدل الأولى بالرياض", "jeddah": "كتابة العدل الأولى بجدة", "dammam": "كتابة العدل الأولى بالدمام"}


def _deed_contents(city, plot, area):
    """The issuing office and the four sides of a demo plot: 20 m of frontage on a street, the
    depth that makes its area, neighbouring plots on either side."""
    depth = round(area / Decimal(20), 2)
    number = int(plot) if str(plot).isdigit() else 0
    return {
        "issuing_office": OFFICES.get(city, "كتابة العدل الأولى بالرياض"),
        "north_boundary": "شارع عرض 20 م", "north_length": Decimal("20.00"),
        "south_boundary": f"قطعة رقم {number + 10}", "south_length": Decimal("20.00"),
        "east_boundary": f"قطعة رقم {number + 1}", "east_length": depth,
        "west_boundary": f"قطعة رقم {number - 1}" if number > 1 else "ممر مشاة عرض 6 م", "west_length": depth,
    }


def _seed_deeds():
    issued = clock.now() - timedelta(days=900)
    for number, electronic, updated, kind, city, district, plan, plot, area, value, owners in DEEDS:
        deed, _created = Deed.objects.get_or_create(
            number=number,
            defaults={
                "is_electronic": electronic, "is_updated": updated, "property_type": kind, "city": city, "district": district,
                "district_en": DISTRICTS_EN.get(district, ""),
                "plan_number": plan, "plot_number": plot, "area": Decimal(area), "value_of_record": Decimal(value), "issued_at": issued,
                **_deed_contents(city, plot, Decimal(area)),
            },
        )
        for national_id, share in owners:
            DeedOwner.objects.get_or_create(deed=deed, person=Person.objects.get(national_id=national_id), defaults={"share": share})
    for number, kind, by_whom, by_whom_en, ref in ENCUMBRANCES:
        Encumbrance.objects.get_or_create(
            deed=Deed.objects.get(number=number), kind=kind, ref=ref,
            defaults={"by_whom": by_whom, "by_whom_en": by_whom_en, "placed_at": issued},
        )


def _seed_inheritance_and_poas():
    heirs_deed, _created = HeirsDeed.objects.get_or_create(
        number=HEIRS_DEED,
        defaults={"deceased": Person.objects.get(national_id=SULAIMAN), "court": "المحكمة العامة بالرياض", "issued_on": date(2024, 5, 2)},
    )
    for national_id, relation, share in HEIRS:
        HeirShare.objects.get_or_create(
            heirs_deed=heirs_deed, heir=Person.objects.get(national_id=national_id), defaults={"relation": relation, "share": share}
        )
    for number, holder in FIRST_HOME_CERTIFICATES:
        FirstHomeCertificate.objects.get_or_create(
            number=number, defaults={"person": Person.objects.get(national_id=holder), "valid_until": _in_years(1)}
        )
    for number, principal, agent, scopes in POAS:
        PowerOfAttorney.objects.get_or_create(
            number=number,
            defaults={
                "principal": Person.objects.get(national_id=principal), "agent": Person.objects.get(national_id=agent),
                "scopes": [str(scope) for scope in scopes], "valid_from": clock.today() - timedelta(days=60), "valid_to": _in_years(2),
            },
        )


def _seed_instruments():
    for number, kind, issuer, creditor, debtors, amount, issued, due, status in INSTRUMENTS:
        holder = _holder(creditor)
        instrument, _created = Instrument.objects.get_or_create(
            number=number,
            defaults={
                "kind": kind, "issuer": issuer, "issuer_en": ISSUERS_EN.get(number, ""), "creditor_person": holder["person"], "creditor_entity": holder["entity"],
                "amount": Decimal(amount), "issue_date": issued, "due_date": due or _in_years(NOT_DUE_FOR_YEARS), "status": status,
            },
        )
        for debtor in debtors:
            InstrumentDebtor.objects.get_or_create(instrument=instrument, **_holder(debtor))


def _seed_users():
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    for national_id, name_ar, name_en, _gender, _nat, _birth, _city, phone, email, extra in PERSONS:
        if extra.get("alive", True) and not user_model.objects.filter(national_id=national_id).exists():
            user_model.objects.create_user(national_id, name_ar=name_ar, name_en=name_en, email=email, phone=phone)


def _seed_staff_and_circuits():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from enforcement.models import Circuit

    user_model = get_user_model()
    for national_id, name_ar, name_en, password, group in STAFF:
        user = user_model.objects.filter(national_id=national_id).first()
        if user is None:
            user = user_model.objects.create_user(national_id, password=password, is_staff=True, name_ar=name_ar, name_en=name_en)
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    for code, name_ar, name_en, court_ar, court_en, city, judge in CIRCUITS:
        circuit, _created = Circuit.objects.get_or_create(
            code=code, defaults={"name_ar": name_ar, "name_en": name_en, "court_ar": court_ar, "court_en": court_en, "city": city}
        )
        circuit.judges.add(user_model.objects.get(national_id=judge))


def _file_for_demo(number: str):
    """Abdullah's request on the cheque, taken through the automation to the order; None once
    filed (by an earlier seed or in the demo)."""
    from django.contrib.auth import get_user_model

    from enforcement import services
    from enforcement.models import EnforcementRequest
    from najiz.registries.services import accounts_of

    if EnforcementRequest.objects.filter(instrument_number=number).exists():
        return None
    creditor = get_user_model().objects.get(national_id=ABDULLAH)
    instrument = Instrument.objects.get(number=number)
    request = services.save_draft(
        user=creditor, acting_entity=None, instrument_number=number, debtor_ids=[KHALID], amount=instrument.amount,
        iban=accounts_of(Person.objects.get(national_id=ABDULLAH))[0].iban,
    )
    services.submit(request, user=creditor)
    services.advance(request.pk)
    return EnforcementRequest.objects.get(pk=request.pk)


def _seed_motions():
    """A request in each state of the parties' motions, none with its measures applied (the
    registries stay as seeded): a grace period, an instalment plan, a suspension for an objection."""
    from enforcement import motions, settlement
    from enforcement.states import Status

    request = _file_for_demo(CHEQUE_IN_GRACE)
    if request is not None and request.status == Status.ORDER_ISSUED:
        motions.grant_grace(request, user=request.filed_by, days=30, reason="اتفاق مع المنفذ ضده على مهلة للسداد")
    request = _file_for_demo(CHEQUE_IN_SETTLEMENT)
    if request is not None and request.status == Status.ORDER_ISSUED:
        debtor = request.debtors.get()
        settlement.propose(request, user=debtor.user, debtor=debtor, count=4, amount=Decimal("6000.00"),
                           first_due=clock.today() + timedelta(days=14), statement="أسدد على أربعة أشهر")
        settlement.accept(request, user=request.filed_by, reason="موافق على التقسيط")
    request = _file_for_demo(CHEQUE_OBJECTED)
    if request is not None and request.status == Status.ORDER_ISSUED:
        debtor = request.debtors.get()
        motion = motions.file_objection(request, user=debtor.user, debtor=debtor, grounds="amount_wrong",
                                        statement="سددت جزءاً من قيمة الشيك نقداً قبل تقديم الطلب")
        judge = request.circuit.judges.order_by("pk").first()
        motions.suspend_for_objection(motion.decision, judge=judge, reason="يوقف الطلب حتى يُنظر في المنازعة")


@transaction.atomic
def seed() -> None:
    """Create whatever demo record is missing; leave existing ones as they are."""
    _seed_persons()
    _seed_entities()
    _seed_banks()
    _seed_deeds()
    _seed_inheritance_and_poas()
    _seed_instruments()
    _seed_users()
    _seed_staff_and_circuits()
    _seed_motions()


# --- who is who -----------------------------------------------------------------------------


NO_LOGIN = "-"


@dataclass(frozen=True)
class DemoIdentity:
    role: str
    name_ar: str
    name_en: str
    login: str  # national id, iqama or CR number
    password: str  # "" for Nafath sign-in, NO_LOGIN for who does not sign in
    try_this: str


def _fmt(message, **params) -> str:
    return str(message) % params


JUDGE_DOES = _("Supervises circuit %(circuits)s: reviews its automatic decisions and rules on the debtors' motions "
                "(staff sign-in with this password).")


def who_is_who() -> list[DemoIdentity]:
    """The demo identities and what to try with each (texts follow the active language)."""
    names = {row[0]: (row[1], row[2]) for row in PERSONS} | {row[0]: (row[1], row[2]) for row in ENTITIES}

    def row(role, key, try_this, password=""):
        name_ar, name_en = names.get(key, next(((s[1], s[2]) for s in STAFF if s[0] == key), ("", "")))
        return DemoIdentity(str(role), name_ar, name_en, key, password, str(try_this))

    return [
        row(pgettext_lazy("demo role", "Creditor, seller"), ABDULLAH, _fmt(
            _("Creditor on judgment %(judgment)s and cheque %(cheque)s against %(debtor)s; seller of deed %(deed)s; "
              "manager of company %(company)s."),
            judgment=JUDGMENT, cheque=CHEQUE, debtor=KHALID, deed=DEED_VILLA, company=OFUQ)),
        row(pgettext_lazy("demo role", "Debtor"), KHALID, _fmt(
            _("Debtor on %(instruments)s; bank balance 63,500.50 SAR; deeds %(deeds)s (paper deed, seized deed, free deed)."),
            instruments=f"{JUDGMENT}, {CHEQUE}, {AWARD}, {NOTARISED_NOT_DUE}", deeds=f"{DEED_PAPER}, {DEED_SEIZED}, {DEED_DEBTOR}")),
        row(pgettext_lazy("demo role", "Buyer, co-owner"), NOURA, _fmt(
            _("Buyer of deed %(deed)s (2,500,000 SAR in the bank); co-owner of deed %(shared)s (60%%); owner of deed %(stale)s, "
              "which is not updated; creditor on %(not_due)s, which is not due yet."),
            deed=DEED_VILLA, shared=DEED_SHARED, stale=DEED_NOT_UPDATED, not_due=NOTARISED_NOT_DUE)),
        row(pgettext_lazy("demo role", "Heir, agent"), FAHD, _fmt(
            _("Heir of the deceased owner of deed %(estate)s (heirs deed %(heirs)s): sell it; agent of %(principal)s under power "
              "of attorney %(poa)s, which names transfer of ownership; owner of company %(company)s."),
            estate=DEED_ESTATE, heirs=HEIRS_DEED, principal=ABDULLAH, poa=POA_TRANSFER, company=WAHA)),
        row(pgettext_lazy("demo role", "Heir"), FATIMA, _fmt(_("Heir (wife, 1/8) on heirs deed %(heirs)s: consent to the sale of deed %(estate)s."), heirs=HEIRS_DEED, estate=DEED_ESTATE)),
        row(pgettext_lazy("demo role", "Heir"), REEM, _fmt(_("Heir (daughter) on heirs deed %(heirs)s: consent to the sale of deed %(estate)s."), heirs=HEIRS_DEED, estate=DEED_ESTATE)),
        row(pgettext_lazy("demo role", "Deceased owner"), SULAIMAN, _fmt(_("Owner of deed %(estate)s; cannot sign in."), estate=DEED_ESTATE), NO_LOGIN),
        row(pgettext_lazy("demo role", "Resident"), MOHAMED, _fmt(
            _("Valid iqama; debtor on promissory note %(note)s and on arbitral award %(award)s."), note=PROMISSORY_NOTE, award=AWARD)),
        row(pgettext_lazy("demo role", "Resident, expired iqama"), RAJESH, _fmt(
            _("Cannot be a party to a conveyance; debtor on settlement record %(settlement)s."), settlement=SETTLEMENT)),
        row(pgettext_lazy("demo role", "Company"), OFUQ, _fmt(
            _("Act for it as %(manager)s: creditor on bill of exchange %(bill)s and arbitral award %(award)s."), manager=ABDULLAH, bill=BILL, award=AWARD), NO_LOGIN),
        row(pgettext_lazy("demo role", "Company"), WAHA, _fmt(
            _("Act for it as %(owner)s: creditor on promissory note %(note)s; debtor on bill of exchange %(bill)s."), owner=FAHD, note=PROMISSORY_NOTE, bill=BILL), NO_LOGIN),
        row(pgettext_lazy("demo role", "Judge"), JUDGE_RIYADH, _fmt(JUDGE_DOES, circuits="riyadh-1"), JUDGE_PASSWORDS[JUDGE_RIYADH]),
        row(pgettext_lazy("demo role", "Judge"), JUDGE_JEDDAH, _fmt(JUDGE_DOES, circuits="riyadh-2, jeddah-1"), JUDGE_PASSWORDS[JUDGE_JEDDAH]),
        row(pgettext_lazy("demo role", "Notary"), NOTARY, _("Reviews the automatic decisions of conveyances (staff sign-in with this password)."), NOTARY_PASSWORD),
        DemoIdentity(str(pgettext_lazy("demo role", "Motions to see")), "", "", "", NO_LOGIN, _fmt(
            _("Requests of %(creditor)s against %(debtor)s already filed: on cheque %(grace)s in a grace period, on cheque "
              "%(plan)s under an instalment plan, on cheque %(objected)s suspended by the judge for an objection."),
            creditor=ABDULLAH, debtor=KHALID, grace=CHEQUE_IN_GRACE, plan=CHEQUE_IN_SETTLEMENT, objected=CHEQUE_OBJECTED)),
        DemoIdentity(str(pgettext_lazy("demo role", "Refusals to try")), "", "", "", NO_LOGIN, _fmt(
            _("Cancelled cheque %(cancelled)s; executed judgment %(executed)s; mortgaged deed %(mortgaged)s; seized deed "
                  "%(seized)s; paper deed %(paper)s; power of attorney %(poa)s does not name transfer of ownership."),
            cancelled=CHEQUE_CANCELLED, executed=JUDGMENT_EXECUTED, mortgaged=DEED_MORTGAGED, seized=DEED_SEIZED,
            paper=DEED_PAPER, poa=POA_LITIGATION)),
    ]


def format_who_is_who(rows: list[DemoIdentity] | None = None) -> str:
    rows = who_is_who() if rows is None else rows
    header = (
        str(pgettext_lazy("demo table", "Role")),
        str(pgettext_lazy("demo table", "Name")),
        str(pgettext_lazy("demo table", "ID / CR")),
        str(pgettext_lazy("demo table", "Password")),
        str(pgettext_lazy("demo table", "What to try")),
    )
    arabic_first = not (get_language() or "ar").startswith("en")
    nafath = str(pgettext_lazy("demo table", "Nafath"))
    lines = [
        (r.role, " / ".join(n for n in ((r.name_ar, r.name_en) if arabic_first else (r.name_en, r.name_ar)) if n), r.login, r.password or nafath, r.try_this)
        for r in rows
    ]
    widths = [max(len(line[i]) for line in [header, *lines]) for i in range(4)]

    def render(line):
        return "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line[:4])) + "  " + line[4]

    rule = "-" * (sum(widths) + 8 + 20)
    return "\n".join([render(header), rule, *(render(line) for line in lines)])
