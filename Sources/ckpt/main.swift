import CkptCLI

CkptCommand.main()
