"""An import's vehicles are linked to the model catalogue by their brand and model text when
each chunk's writes end (customers.writes), the text kept as it was in the file; what no rule
matches stays for the managers' list, and undoing the import leaves no link behind."""

from __future__ import annotations

import pytest
from django_scopes import scope

from autocrm.catalogue.services import catalogue_load
from autocrm.customers.catalogue_selectors import unmatched_vehicle_texts
from autocrm.customers.models import Vehicle
from autocrm.imports import applying, services, undo
from autocrm.imports.tests.files import xlsx
from autocrm.rules.vehicles import vin_check_digit

pytestmark = pytest.mark.django_db


def vin(n: int) -> str:
    raw = f"LVGBE40K0R{n:07d}"
    return raw[:8] + vin_check_digit(raw) + raw[9:]


@pytest.fixture(autouse=True)
def catalogue() -> None:
    catalogue_load()


def test_imported_vehicles_are_linked_by_their_text(cr_a, dealer_a) -> None:
    rows = [
        ["客户姓名", "手机号码", "车架号", "品牌", "车型"],
        ["张伟", "13912345678", vin(1), "广汽丰田", "凯美瑞 2.0G 豪华版"],
        ["李娜", "13912345679", vin(2), "", "雷凌双擎"],
        ["王芳", "13912345670", vin(3), "一汽-大众", "途观L 330TSI"],
        ["赵强", "13912345671", vin(4), "广汽", "小凯"],
    ]
    with scope(dealer=dealer_a.pk):
        batch, analysis = services.import_preview(
            actor=cr_a, content=xlsx(rows), filename="客户.xlsx"
        )
        assert analysis.errors == []
        batch = applying.import_apply(actor=cr_a, batch=batch)
        found = {
            v.vin: (v.brand, v.model_name, v.series.name if v.series else None)
            for v in Vehicle.objects.select_related("series")
        }
        assert found == {
            vin(1): ("广汽丰田", "凯美瑞 2.0G 豪华版", "凯美瑞"),
            vin(2): ("", "雷凌双擎", "雷凌"),
            vin(3): ("一汽-大众", "途观L 330TSI", "途观L"),
            vin(4): ("广汽", "小凯", None),
        }
        assert unmatched_vehicle_texts(dealer_a.pk) == [("广汽", "小凯", 1)]
        undo.import_undo(actor=cr_a, batch=batch)
        assert not Vehicle.objects.exists()
