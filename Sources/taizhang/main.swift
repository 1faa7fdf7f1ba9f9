import TaizhangCLI

TaizhangCommand.main()
