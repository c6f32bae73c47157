#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "desktop.h"

static int by_name(const struct dirent **a, const struct dirent **b) {
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int is_desktop(const struct dirent *ent) {
	size_t len = strlen(ent->d_name);
	return len > 8 && strcmp(ent->d_name + len - 8, ".desktop") == 0;
}

static char *read_exec(const char *path) {
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		return NULL;
	}
	char line[1024];
	char *exec = NULL;
	bool in_entry = false, hidden = false;
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '[') {
			in_entry = strcmp(line, "[Desktop Entry]") == 0;
		} else if (in_entry && strncmp(line, "Exec=", 5) == 0 && !exec) {
			exec = strdup(line + 5);
		} else if (in_entry && (strcmp(line, "Hidden=true") == 0 ||
				strcmp(line, "NoDisplay=true") == 0)) {
			hidden = true;
		}
	}
	fclose(f);
	if (exec == NULL || hidden) {
		free(exec);
		return NULL;
	}
	// Drop field codes: a session is started without files or URLs.
	char *out = exec;
	for (char *p = exec; *p; p++) {
		if (p[0] == '%' && p[1] != '\0') {
			if (p[1] == '%') {
				*out++ = '%';
			}
			p++;
			continue;
		}
		*out++ = *p;
	}
	*out = '\0';
	return exec;
}

char *desktop_session_exec(const char *dir) {
	struct dirent **list;
	int n = scandir(dir, &list, is_desktop, by_name);
	if (n < 0) {
		return NULL;
	}
	char *exec = NULL;
	for (int i = 0; i < n; i++) {
		if (exec == NULL) {
			char path[4096];
			snprintf(path, sizeof(path), "%s/%s", dir, list[i]->d_name);
			exec = read_exec(path);
		}
		free(list[i]);
	}
	free(list);
	return exec;
}
