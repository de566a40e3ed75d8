"""Page URLs of supplies (views in web/views/supplies.py), included by web/urls.py inside the "web"
namespace."""

from django.urls import path

from firstline.web.views import supplies

urlpatterns: list = [
    path("supplies/", supplies.warehouses, name="supplies_warehouses"),
    path("supplies/warehouses/<int:pk>/", supplies.warehouse, name="supplies_warehouse"),
    path("supplies/warehouses/<int:pk>/ledger.xlsx", supplies.ledger_xlsx, name="supplies_ledger_export"),
    path("supplies/warehouses/<int:pk>/stock-take/", supplies.stock_take, name="supplies_stocktake"),
    path("supplies/warehouses/<int:pk>/usage/", supplies.usage, name="supplies_usage"),
    path("supplies/donations/", supplies.donations, name="supplies_donations"),
    path("supplies/donations/new/", supplies.donation_add, name="supplies_donation_add"),
    path("supplies/donations/<int:pk>/letter/", supplies.donation_letter, name="supplies_donation_letter"),
    path("supplies/resupply/", supplies.resupply, name="supplies_resupply"),
    path("supplies/resupply/<int:pk>/", supplies.resupply_act, name="supplies_resupply_act"),
]
