#include <json-c/json.h>
#include "describe.h"

struct json_object *describe_box(int x, int y, int width, int height) {
	struct json_object *box = json_object_new_object();
	json_object_object_add(box, "x", json_object_new_int(x));
	json_object_object_add(box, "y", json_object_new_int(y));
	json_object_object_add(box, "width", json_object_new_int(width));
	json_object_object_add(box, "height", json_object_new_int(height));
	return box;
}

struct json_object *describe_string(const char *s) {
	return s != NULL ? json_object_new_string(s) : NULL;
}
