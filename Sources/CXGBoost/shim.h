// CXGBoost: the XGBoost C API (Debian's libxgboost-dev). pkg-config (xgboost)
// adds no include flags because the header lives in /usr/include/xgboost.
#ifndef CXGBOOST_SHIM_H
#define CXGBOOST_SHIM_H
#include <xgboost/c_api.h>
#endif
