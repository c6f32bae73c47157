# Sourced by tools/run-tests and tools/run-demo: installs what is missing.
# Debian 12 package names; uses sudo only when not root.

MP_BUILD_PACKAGES="meson ninja-build pkg-config gcc libc6-dev
libwlroots-dev libwayland-dev wayland-protocols libxkbcommon-dev xkb-data
libpixman-1-dev libinih-dev libfcft-dev fonts-dejavu-core libcmocka-dev
libpng-dev libudev-dev libinput-dev libdrm-dev scdoc libpam0g-dev
libjson-c-dev"

# The VM lane (tests/vm/run): QEMU (TCG: no /dev/kvm needed), the image
# builder and the lane's driver.
MP_VM_PACKAGES="qemu-system-x86 qemu-utils mmdebstrap e2fsprogs python3"

mp_install_packages() {
	missing=""
	for pkg in "$@"; do
		if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null |
				grep -q "install ok installed"; then
			missing="$missing $pkg"
		fi
	done
	[ -z "$missing" ] && return 0
	echo "Installing:$missing"
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	$sudo apt-get update -qq
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
		--no-install-recommends $missing
}
