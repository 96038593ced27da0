"""The back office's editing of the model catalogue (operators only, like every admin page)."""

from __future__ import annotations

from django.contrib import admin

from autocrm.catalogue.models import Brand, Series, SeriesAlias, Trim


class SeriesInline(admin.TabularInline):
    model = Series
    fields = ["name", "segment", "is_new_energy", "is_active", "sort_order"]
    extra = 0
    show_change_link = True


class TrimInline(admin.TabularInline):
    model = Trim
    fields = ["model_year", "name", "guide_price", "is_active"]
    extra = 0


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "maker", "is_active", "sort_order"]
    list_editable = ["is_active", "sort_order"]
    search_fields = ["name", "name_en", "maker"]
    inlines = [SeriesInline]


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    list_display = ["name", "brand", "segment", "is_new_energy", "is_active", "sort_order"]
    list_filter = ["brand", "segment", "is_new_energy", "is_active"]
    list_select_related = ["brand"]
    search_fields = ["name", "brand__name"]
    inlines = [TrimInline]


@admin.register(Trim)
class TrimAdmin(admin.ModelAdmin):
    list_display = ["__str__", "series", "model_year", "guide_price", "is_active"]
    list_filter = ["series__brand", "model_year", "is_active"]
    list_select_related = ["series__brand"]
    search_fields = ["name", "series__name"]
    autocomplete_fields = ["series"]


@admin.register(SeriesAlias)
class SeriesAliasAdmin(admin.ModelAdmin):
    list_display = ["text", "brand", "series", "created_by", "created_at"]
    list_filter = ["brand"]
    list_select_related = ["brand", "series__brand", "created_by"]
    search_fields = ["text", "series__name"]
    autocomplete_fields = ["series"]
    raw_id_fields = ["created_by"]
