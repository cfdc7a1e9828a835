/*
 * Test-only stand-in for Windows' bcryptprimitives.dll, for running the Windows build under
 * Wine 8.0, which lacks it. Rust's std (1.78 and later) imports ProcessPrng from it; without it
 * every binary fails to load (status c0000135). Forwards to advapi32's RtlGenRandom
 * (SystemFunction036), which Wine has. Never shipped: built by scripts/wine/test.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk)) {
            return FALSE;
        }
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
