#include "overlay/overlay.h"

bool overlay_init(struct mp_overlay *overlay,
		const struct mp_overlay_impl *impl, struct mp_server *server,
		const struct mp_place *place, struct wlr_scene_tree *parent,
		void (*report)(void *data, const struct mp_intent *intent),
		void *data) {
	overlay->impl = impl;
	overlay->server = server;
	overlay->place = place;
	overlay->report = report;
	overlay->report_data = data;
	wl_list_init(&overlay->link);
	overlay->tree = wlr_scene_tree_create(&parent->node);
	return overlay->tree != NULL;
}

void overlay_report(struct mp_overlay *overlay,
		const struct mp_intent *intent) {
	overlay->report(overlay->report_data, intent);
}

void overlay_destroy(struct mp_overlay *overlay) {
	if (overlay == NULL) {
		return;
	}
	wl_list_remove(&overlay->link);
	if (overlay->tree != NULL) {
		wlr_scene_node_destroy(&overlay->tree->node);
	}
	overlay->impl->destroy(overlay);
}
