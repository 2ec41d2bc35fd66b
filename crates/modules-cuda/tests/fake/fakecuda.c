/* A fake libcuda.so.1 for the error-path tests of modules-cuda (from /work/shared/notes/cudarc.md
 * section 9, plus cuMemcpyDtoDAsync_v2). It has no module or launch entry points on purpose:
 * kernel paths must come back as errors, never panics. NOT evidence that GPU code works. */
/* Minimal fake libcuda.so.1 for exercising cudarc error paths on a GPU-less box.
 * "Device memory" is host malloc memory; copies are memcpy. Env:
 *   FAKE_CUDA_MODE=nodev  -> cuInit returns CUDA_ERROR_NO_DEVICE (100)
 *   FAKE_CUDA_MODE=stub   -> cuInit returns CUDA_ERROR_STUB_LIBRARY (34)
 *   FAKE_CUDA_TOTAL=bytes -> device memory capacity (default 1 GiB); allocs beyond -> CUDA_ERROR_OUT_OF_MEMORY
 */
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
typedef int CUresult; typedef int CUdevice; typedef void* CUcontext; typedef void* CUstream; typedef void* CUevent;
typedef unsigned long long CUdeviceptr;
static size_t used = 0;
static size_t total(void){ const char* t = getenv("FAKE_CUDA_TOTAL"); return t ? strtoull(t,0,10) : (1ull<<30); }
static const char* mode(void){ const char* m = getenv("FAKE_CUDA_MODE"); return m ? m : "ok"; }
static int ctx_token; static CUcontext current = 0;
CUresult cuInit(unsigned int f){ (void)f; if(!strcmp(mode(),"nodev")) return 100; if(!strcmp(mode(),"stub")) return 34; return 0; }
CUresult cuDeviceGetCount(int* c){ *c = 1; return 0; }
CUresult cuDeviceGet(CUdevice* d, int o){ if(o!=0) return 101; *d = 0; return 0; }
CUresult cuDeviceGetName(char* n, int len, CUdevice d){ (void)d; strncpy(n,"Fake GPU",len); return 0; }
CUresult cuDeviceTotalMem_v2(size_t* b, CUdevice d){ (void)d; *b = total(); return 0; }
CUresult cuDeviceGetAttribute(int* v, int a, CUdevice d){ (void)a;(void)d; *v = 1; return 0; }
CUresult cuDevicePrimaryCtxRetain(CUcontext* c, CUdevice d){ (void)d; *c = &ctx_token; return 0; }
CUresult cuDevicePrimaryCtxRelease_v2(CUdevice d){ (void)d; return 0; }
CUresult cuCtxGetCurrent(CUcontext* c){ *c = current; return 0; }
CUresult cuCtxSetCurrent(CUcontext c){ current = c; return 0; }
CUresult cuCtxSynchronize(void){ return 0; }
CUresult cuMemGetInfo_v2(size_t* f, size_t* t){ *t = total(); *f = total() - used; return 0; }
static CUresult dalloc(CUdeviceptr* p, size_t n){
  if (n > total() - used) return 2; /* CUDA_ERROR_OUT_OF_MEMORY */
  size_t* h = malloc(n + 16); if(!h) return 2; h[0] = n; used += n; *p = (CUdeviceptr)(uintptr_t)(h + 2); return 0; }
static CUresult dfree(CUdeviceptr p){ if(!p) return 0; size_t* h = ((size_t*)(uintptr_t)p) - 2; used -= h[0]; free(h); return 0; }
CUresult cuMemAllocAsync(CUdeviceptr* p, size_t n, CUstream s){ (void)s; return dalloc(p,n); }
CUresult cuMemAlloc_v2(CUdeviceptr* p, size_t n){ return dalloc(p,n); }
CUresult cuMemFreeAsync(CUdeviceptr p, CUstream s){ (void)s; return dfree(p); }
CUresult cuMemFree_v2(CUdeviceptr p){ return dfree(p); }
CUresult cuMemHostAlloc(void** p, size_t n, unsigned int f){ (void)f; *p = malloc(n ? n : 1); return *p ? 0 : 2; }
CUresult cuMemFreeHost(void* p){ free(p); return 0; }
CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr d, const void* s, size_t n, CUstream st){ (void)st; memcpy((void*)(uintptr_t)d, s, n); return 0; }
CUresult cuMemcpyDtoHAsync_v2(void* d, CUdeviceptr s, size_t n, CUstream st){ (void)st; memcpy(d, (void*)(uintptr_t)s, n); return 0; }
CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr d, CUdeviceptr s, size_t n, CUstream st){ (void)st; memcpy((void*)(uintptr_t)d, (void*)(uintptr_t)s, n); return 0; }
CUresult cuMemsetD8Async(CUdeviceptr d, unsigned char v, size_t n, CUstream st){ (void)st; memset((void*)(uintptr_t)d, v, n); return 0; }
CUresult cuEventCreate(CUevent* e, unsigned int f){ (void)f; *e = malloc(1); return 0; }
CUresult cuEventDestroy_v2(CUevent e){ free(e); return 0; }
CUresult cuEventRecord(CUevent e, CUstream s){ (void)e;(void)s; return 0; }
CUresult cuEventSynchronize(CUevent e){ (void)e; return 0; }
CUresult cuStreamWaitEvent(CUstream s, CUevent e, unsigned int f){ (void)s;(void)e;(void)f; return 0; }
CUresult cuStreamCreate(CUstream* s, unsigned int f){ (void)f; *s = malloc(1); return 0; }
CUresult cuStreamDestroy_v2(CUstream s){ free(s); return 0; }
CUresult cuStreamSynchronize(CUstream s){ (void)s; return 0; }
CUresult cuGetErrorName(CUresult r, const char** s){
  switch(r){ case 0: *s="CUDA_SUCCESS"; return 0; case 2: *s="CUDA_ERROR_OUT_OF_MEMORY"; return 0;
  case 34: *s="CUDA_ERROR_STUB_LIBRARY"; return 0; case 100: *s="CUDA_ERROR_NO_DEVICE"; return 0; default: *s=0; return 1; } }
CUresult cuGetErrorString(CUresult r, const char** s){
  /* strings as the real driver returns them */
  switch(r){ case 0: *s="no error"; return 0; case 2: *s="out of memory"; return 0;
  case 34: *s="CUDA driver is a stub library"; return 0; case 100: *s="no CUDA-capable device is detected"; return 0;
  case 101: *s="invalid device ordinal"; return 0; default: *s=0; return 1; } }
