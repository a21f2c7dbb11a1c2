"""An Orca speech-server factory that speaks nothing.

On a headless machine speech-dispatcher's real voices block on the missing audio device, and
Orca's event loop stalls behind them. Orca logs every utterance as ``SPEECH OUTPUT: '...'``
in its debug file *before* handing it to the speech server, so a server that discards the text
keeps the transcript complete. Orca loads this module by name (``speechServerFactory``), so it
must be on ``PYTHONPATH``; ``screen_reader_pass.sh`` does that.
"""

from orca import debug, speechserver


class SpeechServer(speechserver.SpeechServer):
    _instance = None

    @staticmethod
    def getFactoryName():
        return "Null speech (transcript only)"

    @staticmethod
    def getSpeechServers():
        return [SpeechServer.getSpeechServer()]

    @staticmethod
    def getSpeechServer(info=None):
        if SpeechServer._instance is None:
            SpeechServer._instance = SpeechServer()
        return SpeechServer._instance

    @staticmethod
    def shutdownActiveServers():
        SpeechServer._instance = None

    def getInfo(self):
        return [self.getFactoryName(), "null"]

    def getVoiceFamilies(self):
        return []

    def speakCharacter(self, character, acss=None):
        pass

    def speakKeyEvent(self, event, acss=None):
        pass

    def speak(self, text=None, acss=None, interrupt=True):
        pass

    def sayAll(self, utteranceIterator, progressCallback):
        # Orca logs say-all text only when it has no server, so log it here.
        for context, _acss in utteranceIterator:
            debug.println(debug.LEVEL_INFO, f"SPEECH OUTPUT: '{context.utterance}'", True)

    def increaseSpeechRate(self, step=5):
        pass

    def decreaseSpeechRate(self, step=5):
        pass

    def increaseSpeechPitch(self, step=0.5):
        pass

    def decreaseSpeechPitch(self, step=0.5):
        pass

    def updateCapitalizationStyle(self):
        pass

    def updatePunctuationLevel(self):
        pass

    def stop(self):
        pass

    def shutdown(self):
        pass

    def reset(self, text=None, acss=None):
        pass
