"""Vehicles of demo customers: valid VINs, local plates, prices and mileage histories."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from random import Random

from autocrm.demo.catalog_data import COLOURS, MODEL_YEAR_CODES, CarModel, DealerSpec
from autocrm.demo.people import Picker
from autocrm.rules.scoring import VehicleFacts
from autocrm.rules.vehicles import vin_check_digit

_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # plate letters: A-Z without I and O
_ALNUM = _LETTERS + "0123456789"
_DIGITS = "0123456789"
#: Shapes of the five characters after "粤A" on an ordinary plate, with how many each holds.
_ORDINARY_SHAPES = (
    ((_LETTERS, _DIGITS, _DIGITS, _DIGITS, _DIGITS), 240_000),
    ((_DIGITS, _DIGITS, _DIGITS, _DIGITS, _DIGITS), 100_000),
    ((_LETTERS, _LETTERS, _DIGITS, _DIGITS, _DIGITS), 576_000),
    ((_DIGITS, _LETTERS, _DIGITS, _DIGITS, _DIGITS), 240_000),
)
_ORDINARY_TOTAL = sum(size for _shape, size in _ORDINARY_SHAPES)
_NEV_SHAPE = ("DF", _ALNUM, _DIGITS, _DIGITS, _DIGITS, _DIGITS)
_NEV_TOTAL = 2 * 34 * 10**4

VEHICLE_COLUMNS = (
    "id", "dealer_id", "customer_id", "vin", "plate_number", "brand", "model_name", "color",
    "purchase_date", "bought_here", "purchase_price", "mileage_km", "mileage_read_on",
    "created_at", "series_id", "trim_id",
)  # fmt: skip
#: The catalogue's series and trim are not generated: the loader links every vehicle by its
#: brand and model text (customers.catalogue_links), as an import's vehicles are.
#: A service advisor typing the model of a car bought elsewhere (seed 000: "CA/SA type
#: carelessly"): about 1.5 % of those get a typo or a shrug instead of the model's name, the
#: free text the catalogue cannot read and lists for the manager. Chosen from the vehicle's id
#: (no draw from the generator's random stream, so every other row stays as it was).
TYPO_CHARS = dict(zip("瑞达逸特观腾宋唐凌兰那萨朗汉", "锐哒意持冠滕送堂玲蓝娜撒郎憨", strict=True))
SHRUGS = ("不详", "轿车", "SUV", "旧车")


def typed_model_text(vehicle_id: int, name: str, bought_here: bool) -> str:
    """The model text a vehicle row carries: its name, or for a few cars bought elsewhere a
    typo of it (凯美锐, 朗意) or a shrug (不详)."""
    if bought_here or (vehicle_id * 2654435761) % 1000 >= 15:
        return name
    typo = "".join(TYPO_CHARS.get(ch, ch) for ch in name)
    if typo != name and vehicle_id % 3:
        return typo
    return SHRUGS[vehicle_id % len(SHRUGS)]


READING_COLUMNS = (
    "id", "dealer_id", "vehicle_id", "mileage_km", "read_on", "source", "recorded_by_id",
    "odometer_replaced",
)  # fmt: skip


def _decode(number: int, alphabets: tuple[str, ...]) -> str:
    """Write `number` in the mixed radix given by `alphabets` (last alphabet least significant)."""
    chars = []
    for alphabet in reversed(alphabets):
        number, index = divmod(number, len(alphabet))
        chars.append(alphabet[index])
    return "".join(reversed(chars))


def plate_tail(sequence: int, *, new_energy: bool) -> str:
    """The plate tail of the `sequence`-th plate of its kind: an affine permutation of the
    number (so consecutive vehicles do not get consecutive plates), decoded; distinct for the
    first 1,156,000 ordinary and 680,000 new-energy plates of a city."""
    if new_energy:
        return _decode((sequence * 999_983 + 11) % _NEV_TOTAL, _NEV_SHAPE)
    number = (sequence * 999_983 + 7) % _ORDINARY_TOTAL
    for shape, size in _ORDINARY_SHAPES:
        if number < size:
            return _decode(number, shape)
        number -= size
    raise AssertionError("unreachable")


class VehicleFactory:
    """Draws the vehicles one dealer sells (or services).

    VIN serials and plates are numbered per dealer in the order vehicles are drawn, so they are
    unique (generation is sequential and deterministic).
    """

    def __init__(self, dealer: DealerSpec) -> None:
        self.dealer = dealer
        self.model = Picker(dealer.models, [m.weight for m in dealer.models])
        self.vins = 0
        self.plates = {False: 0, True: 0}

    def vin(self, model: CarModel, year: int) -> str:
        plant, number = divmod(self.vins, 1_000_000)
        self.vins += 1
        serial = (number * 387_403 + 12_345) % 1_000_000  # a bijection on 0..999,999
        year_code = MODEL_YEAR_CODES[min(max(year, 2015), 2027)]
        plant_code = _LETTERS[(_LETTERS.index(self.dealer.plant) + plant) % len(_LETTERS)]
        vin = f"{self.dealer.wmi}{model.vds}0{year_code}{plant_code}{serial:06d}"
        return vin[:8] + vin_check_digit(vin) + vin[9:]

    def plate(self, model: CarModel, rng: Random) -> str:
        new_energy = model.new_energy > 0 and rng.random() < model.new_energy
        sequence = self.plates[new_energy]
        self.plates[new_energy] += 1
        return self.dealer.city.plate_prefix + plate_tail(sequence, new_energy=new_energy)

    @staticmethod
    def price(rng: Random, model: CarModel) -> Decimal:
        guide = rng.uniform(model.price_low, model.price_high) * 10_000
        paid = round(guide * rng.uniform(0.92, 1.0), -2)
        return Decimal(f"{int(paid)}.00")

    def vehicle(
        self,
        rng: Random,
        *,
        vehicle_id: int,
        reading_id: int,
        dealer_id: int,
        customer_id: int,
        model: CarModel,
        purchase_date: date,
        bought_here: bool,
        last_date: date,
        created_at: datetime,
        sales_id: int,
        service_id: int,
        keep_purchase_date: bool = True,
    ) -> tuple[tuple, list[tuple], VehicleFacts]:
        """One vehicle row, its mileage readings (oldest first) and its quality facts."""
        vin = self.vin(model, purchase_date.year - (rng.random() < 0.2))
        readings = self.readings(
            rng,
            first_id=reading_id,
            dealer_id=dealer_id,
            vehicle_id=vehicle_id,
            purchase_date=purchase_date,
            bought_here=bought_here,
            last_date=last_date,
            sales_id=sales_id,
            service_id=service_id,
        )
        stored_purchase = purchase_date if keep_purchase_date else None
        row = (
            vehicle_id,
            dealer_id,
            customer_id,
            vin,
            self.plate(model, rng),
            self.dealer.brand,
            typed_model_text(vehicle_id, model.name, bought_here),
            rng.choice(COLOURS),
            stored_purchase,
            bought_here,
            self.price(rng, model) if bought_here else None,
            readings[-1][3] if readings else None,
            readings[-1][4] if readings else None,
            created_at,
            None,  # series: linked from the text after the load
            None,  # trim
        )
        return row, readings, VehicleFacts(vin, stored_purchase, bought_here)

    @staticmethod
    def readings(
        rng: Random,
        *,
        first_id: int,
        dealer_id: int,
        vehicle_id: int,
        purchase_date: date,
        bought_here: bool,
        last_date: date,
        sales_id: int,
        service_id: int,
    ) -> list[tuple]:
        """1-4 odometer readings, increasing, about 15,000 km a year from the purchase."""
        per_day = max(3_000.0, rng.gauss(15_000, 4_500)) / 365
        span = max((last_date - purchase_date).days, 0)
        visits = sorted(rng.randint(0, span) for _ in range(rng.randint(0, 3) if span else 0))
        rows: list[tuple] = []
        previous = 0
        if bought_here:
            previous = rng.randint(3, 60)
            rows.append(
                (first_id, dealer_id, vehicle_id, previous, purchase_date, "sale", sales_id, False)
            )
        elif not visits:
            visits = [span]
        for days in visits:
            km = max(previous + 1, int(days * per_day * rng.uniform(0.92, 1.08)))
            previous = km
            source = "workshop" if rng.random() < 0.85 else "customer"
            read_on = purchase_date + timedelta(days=days)
            rows.append(
                (
                    first_id + len(rows),
                    dealer_id,
                    vehicle_id,
                    km,
                    read_on,
                    source,
                    service_id,
                    False,
                )
            )
        return rows
