"""产业链图谱 and 招商: the map and gap pages (views_map), chain editing and placements (views_edit), the target
library and the lead pipeline (views_leads)."""

from chanye.chains.urls_edit import urlpatterns as edit_patterns
from chanye.chains.urls_leads import urlpatterns as lead_patterns
from chanye.chains.urls_map import urlpatterns as map_patterns

app_name = "chains"
urlpatterns = [*map_patterns, *edit_patterns, *lead_patterns]
