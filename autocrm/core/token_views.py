"""The page where a user sees the API tokens issued to them and revokes them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from autocrm.core.tokens import revoke_all_tokens, revoke_token, tokens_of


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if request.POST.get("all"):
            n = revoke_all_tokens(request.user)
            messages.success(request, _("%(n)d tokens revoked.") % {"n": n})
        elif revoke_token(request.user, request.POST.get("key", "")):
            messages.success(request, _("Token revoked: programs using it can no longer sign in."))
        else:
            messages.error(request, _("No such token of yours."))
        return redirect("tokens")
    return render(
        request, "core/tokens.html", {"tokens": list(tokens_of(request.user)), "nav_active": ""}
    )
