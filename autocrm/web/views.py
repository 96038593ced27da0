"""The workbench (home page): the cards the apps register, in their order."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from autocrm.core.registry import home_cards


@login_required
def home(request: HttpRequest) -> HttpResponse:
    cards, scripts = home_cards(request)
    context = {"cards": cards, "card_scripts": scripts, "nav_active": "home"}
    return render(request, "web/home.html", context)
