"""A detection run shows its progress while it runs, and who may watch it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from autocrm.matching import detection
from autocrm.matching.models import MatchRun, RunStage, RunStatus
from autocrm.tenancy.models import Dealer, Staff
from autocrm.tenancy.roles import Role
from autocrm.testing.access import assert_allowed, assert_denied, client_as

pytestmark = pytest.mark.django_db


def _client(staff: Staff) -> Client:
    client = Client()
    client.force_login(staff)
    return client


def _running(dealer: Dealer | None, stage: str = RunStage.COMPARING, **kw: Any) -> MatchRun:
    with scopes_disabled():
        return MatchRun.objects.create(dealer=dealer, stage=stage, **kw)


def test_a_run_goes_through_its_stages_in_order(
    cr_a: Staff, make_customer: Any, dealer_a: Dealer, monkeypatch
) -> None:
    make_customer(cr_a, name="王强", mobile="13912345678")
    seen: list[tuple[str, str]] = []
    original = detection._stage

    def recording(run: MatchRun, stage: str) -> None:
        original(run, stage)
        with scopes_disabled():  # what a page polling the run reads meanwhile
            stored = MatchRun.objects.get(pk=run.pk)
        seen.append((stored.stage, stored.status))

    monkeypatch.setattr(detection, "_stage", recording)
    with scope(dealer=dealer_a.pk):
        run = detection.duplicates_detect(dealer=dealer_a)
    assert seen == [("comparing", "running"), ("saving", "running")]
    assert (run.status, run.progress_percent) == (RunStatus.DONE, 100)


def test_a_failed_cross_dealer_run_is_marked_failed(monkeypatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr("autocrm.matching.features.extract_features", broken)
    with pytest.raises(RuntimeError):
        detection.cross_dealer_duplicates_detect()
    with scopes_disabled():
        run = MatchRun.objects.get(dealer=None)
    assert run.status == RunStatus.FAILED and "disk full" in run.error  # not polled forever


def test_step_and_progress_of_a_running_run() -> None:
    run = MatchRun(stage=RunStage.READING)
    assert (run.step, run.steps, run.progress_percent) == (1, 3, 17)
    run.stage = RunStage.SAVING
    assert (run.step, run.progress_percent) == (3, 83)


def test_queue_polls_a_running_run_and_reloads_when_it_ends(cr_a: Staff, dealer_a: Dealer) -> None:
    run = _running(dealer_a)
    client = _client(cr_a)
    html = client.get(reverse("matching:queue")).content.decode()
    assert 'data-testid="run-progress"' in html
    assert f'hx-get="{reverse("matching:run-status")}"' in html
    assert 'data-testid="run-now" disabled' in html
    status = client.get(reverse("matching:run-status"), HTTP_HX_REQUEST="true")
    assert status.status_code == 200 and "HX-Refresh" not in status
    assert "第 2/3 步" in status.content.decode()  # step 2 of 3
    with scopes_disabled():
        MatchRun.objects.filter(pk=run.pk).update(status=RunStatus.DONE, seconds=9.5)
    status = client.get(reverse("matching:run-status"), HTTP_HX_REQUEST="true")
    assert status["HX-Refresh"] == "true"
    assert "hx-get" not in status.content.decode()


def test_detect_now_while_running_starts_no_second_run(cr_a: Staff, dealer_a: Dealer) -> None:
    _running(dealer_a)
    response = _client(cr_a).post(reverse("matching:run"), follow=True)
    assert "查重正在运行" in response.content.decode()  # the UI is Chinese by default
    with scopes_disabled():
        assert MatchRun.objects.count() == 1


def test_a_run_running_for_hours_was_interrupted(cr_a: Staff, dealer_a: Dealer) -> None:
    _running(dealer_a, started_at=timezone.now() - timedelta(hours=3))
    client = _client(cr_a)
    html = client.get(reverse("matching:queue")).content.decode()
    assert 'data-testid="run-progress"' not in html and "已中断" in html  # interrupted
    assert reverse("matching:run-status") not in html  # not polled
    client.post(reverse("matching:run"))  # a new run starts (this dealer has no customers)
    with scopes_disabled():
        done = MatchRun.objects.get(status=RunStatus.DONE)
    assert (done.records, done.candidates_found) == (0, 0)


def test_who_sees_which_run(
    steward_actors: Any, make_staff: Any, dealer_a: Dealer, hq_analyst: Staff
) -> None:
    _running(dealer_a)
    hq_run = _running(None, stage=RunStage.READING)
    consultant = make_staff(dealer_a, Role.SALES_CONSULTANT)
    url = reverse("matching:run-status")
    # another dealer's steward: no run of theirs, nothing of dealer A's
    other = steward_actors.client("other_dealer").get(url)
    assert other["HX-Refresh"] == "true" and "run-progress" not in other.content.decode()
    assert_denied(client_as("colleague", consultant).get(url))  # 403: may not merge
    assert_denied(steward_actors.client("anonymous").get(url))  # the login page
    # HQ sees its cross-dealer run only
    hq = steward_actors.client("hq").get(url).content.decode()
    assert "run-progress" in hq and "第 1/3 步" in hq and "第 2/3 步" not in hq
    with scopes_disabled():
        MatchRun.objects.filter(pk=hq_run.pk).update(status=RunStatus.DONE)
    assert steward_actors.client("hq").get(url)["HX-Refresh"] == "true"
    # every steward of dealer A follows the dealer's run (第 2/3 步: comparing)
    for who in ("owner", "colleague", "manager"):
        response = steward_actors.client(who).get(url)
        assert_allowed(response)
        html = response.content.decode()
        assert 'data-testid="run-progress"' in html and "第 2/3 步" in html


def test_detect_now_reports_a_run_that_finished_inline(
    cr_a: Staff, make_customer: Any, hq_analyst: Staff
) -> None:
    """In development huey runs the task inline: the page says it finished, with figures."""
    make_customer(cr_a, name="王强", mobile="13912345678")
    page = _client(cr_a).post(reverse("matching:run"), follow=True).content.decode()
    assert "查重完成：1 条档案，0 对疑似重复。" in page
    page = _client(hq_analyst).post(reverse("matching:hq"), follow=True).content.decode()
    assert "跨店查重已完成。" in page
