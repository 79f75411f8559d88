"""Grids and places, read-only: master data every signed-in client may read."""

from core.api import RestrictedReadOnlyViewSet, SyncCursorPagination
from grids.api.serializers import GridSerializer, PlaceSerializer
from grids.filters import GridFilterSet, PlaceFilterSet
from grids.models import Grid, Place


class GridViewSet(RestrictedReadOnlyViewSet):
    queryset = Grid.objects.prefetch_related("departments")
    serializer_class = GridSerializer
    filterset_class = GridFilterSet
    ordering_fields = ("code", "name", "updated")
    ordering = ("code",)


class PlaceViewSet(RestrictedReadOnlyViewSet):
    queryset = Place.objects.all()
    serializer_class = PlaceSerializer
    filterset_class = PlaceFilterSet
    pagination_class = SyncCursorPagination
    ordering_fields = ("id", "code", "updated")
    ordering = ("id",)
