import TaizhangCLI

TaizhangCommand.runAndExit()
