"""Page URLs of parcels (views in web/views/parcels.py), included by web/urls.py inside the "web"
namespace."""

urlpatterns: list = []
