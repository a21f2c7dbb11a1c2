"""Write an Orca preferences directory for the screen-reader pass (run with /usr/bin/python3).

Orca's defaults, except: speech goes to the null server (transcript only), braille is off (no
BrlAPI on a headless machine), and key echo is off so the transcript holds what the page says,
not the names of the keys pressed.
"""

import json
import pathlib
import sys

from orca import settings

target = pathlib.Path(sys.argv[1])
target.mkdir(parents=True, exist_ok=True)
general = {name: getattr(settings, name) for name in settings.userCustomizableSettings}
general.update(
    speechServerFactory="screen_reader_nullspeech",
    speechServerInfo=None,
    enableBraille=False,
    enableKeyEcho=False,
    enableEchoByCharacter=False,
    enableEchoByWord=False,
    enableTutorialMessages=False,
    profile=["Default", "default"],
    activeProfile=["Default", "default"],
    startingProfile=["Default", "default"],
)
conf = {
    "general": general,
    "profiles": {
        "default": {"profile": ["Default", "default"], "pronunciations": {}, "keybindings": {}}
    },
    "pronunciations": {},
    "keybindings": {},
}
(target / "user-settings.conf").write_text(json.dumps(conf, indent=1, default=list))
