"""API tokens (django-rest-knox): stored as hashes only, expiring, revocable by their holder.

A token is shown once, when it is issued; the database keeps its SHA-512 digest and its
first characters (`token_key`), by which its holder recognises and revokes it."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from knox.models import AuthToken


def issue_token(user: Any) -> tuple[AuthToken, str]:
    """A new token for `user`, expiring after REST_KNOX["TOKEN_TTL"]: the record and the
    token itself (never stored, never shown again)."""
    return AuthToken.objects.create(user)


def tokens_of(user: Any) -> QuerySet[AuthToken]:
    """The user's tokens that still work, newest first."""
    now = timezone.now()
    return (
        AuthToken.objects.filter(user=user)
        .filter(Q(expiry__isnull=True) | Q(expiry__gt=now))
        .order_by("-created")
    )


def revoke_token(user: Any, token_key: str) -> int:
    """Revoke the user's token that starts with `token_key` (another user's: nothing)."""
    deleted, _by_model = AuthToken.objects.filter(user=user, token_key=token_key).delete()
    return deleted


def revoke_all_tokens(user: Any) -> int:
    deleted, _by_model = AuthToken.objects.filter(user=user).delete()
    return deleted
