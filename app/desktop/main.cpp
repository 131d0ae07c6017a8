// hlscam-desktop: the desktop app (see ui/). `hlscam desktop` starts it.
#include "DesktopApp.h"

int main(int argc, char *argv[]) { return hlscam::ui::runDesktop(argc, argv); }
