// CkptNN
