// CkptReports
