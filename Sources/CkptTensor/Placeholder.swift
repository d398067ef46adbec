// CkptTensor
