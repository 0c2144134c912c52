// bounceback: decode any email delivery failure into structured data and a plain explanation.
#pragma once

#include "bounceback/codes.h"
#include "bounceback/decoder.h"
#include "bounceback/explain.h"
#include "bounceback/output.h"
#include "bounceback/record.h"
#include "bounceback/result.h"
#include "bounceback/types.h"
#include "bounceback/version.h"
