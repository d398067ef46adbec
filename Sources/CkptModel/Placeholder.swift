// CkptModel
