"""Views."""

from django.http import HttpResponse


def _todo(request, *a, **k):
    return HttpResponse("")


home = overview = customer_list = customer_create_view = customer_detail = customer_edit = _todo
vehicle_add_view = mileage_add_view = contact_add_view = interaction_add_view = _todo
