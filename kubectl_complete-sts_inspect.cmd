@echo off
rem Shell completion for `kubectl sts-inspect <TAB>` on Windows: kubectl >= 1.26 looks on PATH (with
rem PATHEXT) for kubectl_complete-<plugin> and runs it with the words typed after the plugin name. The
rem binary next to this file comes first, else the one on PATH.
if exist "%~dp0kubectl-sts_inspect.exe" (
  "%~dp0kubectl-sts_inspect.exe" __complete %*
) else (
  kubectl-sts_inspect.exe __complete %*
)
exit /b %errorlevel%
