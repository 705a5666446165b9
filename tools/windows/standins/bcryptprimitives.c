/* Wine 8 stand-in for bcryptprimitives.dll, which Windows 10+ ships and Wine 8 lacks.
 * Rust-built extensions (cryptography, rpds-py) import ProcessPrng from it.
 * Test environment only: installed into the Wine prefix's system32, never into a bundle. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length); /* RtlGenRandom (advapi32) */

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE buffer, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x7fffffff ? 0x7fffffff : (ULONG)length;
        if (!SystemFunction036(buffer, chunk))
            return FALSE;
        buffer += chunk;
        length -= chunk;
    }
    return TRUE;
}
