import CkptCLI

CkptMain.main()
