"""Page URLs. Each feature keeps its own views module."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from firstline.web.views import (
    areas,
    audit,
    doors,
    home,
    households,
    imports,
    people,
    registration,
    resident,
    search,
    survey,
    team,
)

app_name = "web"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="web/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", home.home, name="home"),
    path("team/", team.team, name="team"),
    path("team/grants/<int:pk>/withdraw/", team.grant_revoke, name="grant_revoke"),
    path("team/users/<int:pk>/unlock/", team.user_unlock, name="user_unlock"),
    path("me/", team.profile, name="profile"),
    # A resident's own page: their household, codes and results; a code alone on the screen.
    path("mine/", resident.resident_home, name="resident"),
    path("mine/codes/<int:pk>/", resident.resident_code, name="resident_code"),
    path("mine/family/<int:pk>/", resident.resident_family_code, name="resident_family_code"),
    path("audit/", audit.audit, name="audit"),
    path("me/tokens/<int:pk>/revoke/", team.token_revoke, name="token_revoke"),
    # The area tree and the building map.
    path("areas/<int:pk>/", areas.area_detail, name="area"),
    path("areas/<int:pk>/risk/", areas.area_set_risk, name="area_risk"),
    path("areas/<int:pk>/edit/", areas.area_edit, name="area_edit"),
    path("areas/<int:pk>/buildings/", areas.building_add, name="building_add"),
    path("areas/<int:pk>/add/", areas.area_add, name="area_add"),
    path("areas/<int:pk>/map/", areas.building_map_page, name="building_map"),
    path("areas/<int:pk>/survey/", survey.survey_list, name="survey_list"),
    path("areas/<int:pk>/doors/", doors.door_picker_part, name="door_picker"),
    # Households and people.
    path("households/<int:pk>/", households.household_detail, name="household"),
    path("households/<int:pk>/members/", households.member_add, name="member_add"),
    path("households/<int:pk>/visits/", households.visit_add, name="visit_add"),
    path("people/<int:pk>/", people.person_detail, name="person"),
    path("people/<int:pk>/edit/", people.person_edit, name="person_edit"),
    path("people/<int:pk>/reveal/", people.person_reveal, name="person_reveal"),
    path("people/<int:pk>/phone/", people.person_phone, name="person_phone"),
    path("people/<int:pk>/needs/", people.person_vulnerabilities, name="person_vulnerabilities"),
    path("people/<int:pk>/move/", people.person_move, name="person_move"),
    path("people/<int:pk>/leave/", people.person_leave, name="person_leave"),
    path("people/duplicates/", people.duplicates, name="duplicates"),
    path("people/duplicates/<int:pk>/", people.duplicate_resolve, name="duplicate_resolve"),
    path("search/", search.search, name="search"),
    # Imports and exports.
    path("areas/<int:pk>/import/", imports.import_start, name="import_start"),
    path("areas/<int:pk>/export/", imports.area_export, name="area_export"),
    path("imports/<int:pk>/", imports.import_job, name="import_job"),
    path("imports/<int:pk>/columns/", imports.import_columns, name="import_columns"),
    path("imports/<int:pk>/report.csv", imports.import_report, name="import_report"),
    # Self-registration (public) and its review queue; personal codes.
    path("r/<str:token>/", registration.public_form, name="registration_public"),
    path("r/<str:token>/doors/", registration.public_doors, name="registration_doors"),
    path("areas/<int:pk>/registration-poster/", registration.poster, name="registration_poster"),
    path("registrations/", registration.queue, name="registration_queue"),
    path("registrations/<int:pk>/", registration.review, name="registration_review"),
    path("people/<int:pk>/card/", registration.person_card, name="person_card"),
    path("households/<int:pk>/family-card/", registration.family_card, name="family_card"),
    # Mass testing: rounds, coverage, call-downs, positives (testing_urls); the desk and door-to-door
    # capture pages (capture_urls); boxes, the lab, antigen self-tests, follow-ups, notices (lab_urls).
    path("testing/", include("firstline.web.testing_urls")),
    path("testing/", include("firstline.web.capture_urls")),
    path("", include("firstline.web.lab_urls")),
    # Supplies: the warehouse and donations; distribution campaigns; gate parcels and the day's
    # delivery split; help requests and offers. Each app keeps its own URL module.
    path("", include("firstline.web.supplies_urls")),
    path("", include("firstline.web.distribution_urls")),
    path("", include("firstline.web.parcels_urls")),
    path("", include("firstline.web.errands_urls")),
]
