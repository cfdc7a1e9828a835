; mynapin's Windows installer, built by scripts/package with Debian's makensis:
;   makensis -DVERSION=0.1.0 -DVERSION4=0.1.0.0 -DSTAGE=<folder with the files> -DOUTFILE=<setup.exe>
;            packaging/windows/installer.nsi
; Per user (no administrator rights), in English or Japanese as the OS language says. The Start
; menu shortcut opens the window (mynapin-gui.exe). Options for a silent run:
;   setup.exe /S [/ADDTOPATH] [/D=<folder>]     uninstall.exe /S
; Only NSIS's own headers: no plug-in that has to be downloaded.

Unicode true
Target amd64-unicode
SetCompressor /SOLID lzma
ManifestDPIAware true
RequestExecutionLevel user

!include MUI2.nsh
!include LogicLib.nsh
!include FileFunc.nsh
!include WinMessages.nsh
!include StrFunc.nsh
!include Sections.nsh

!ifndef VERSION | VERSION4 | STAGE | OUTFILE
  !error "VERSION, VERSION4, STAGE and OUTFILE must be defined (see the top of this file)"
!endif

!define APP "mynapin"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\mynapin"
!define SETTINGS_KEY "Software\mynapin"
; NSIS strings hold 1024 characters: a longer PATH would be cut if written back, so it is left alone.
!define PATH_ROOM 1000

Name "${APP} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\mynapin"
InstallDirRegKey HKCU "${SETTINGS_KEY}" "InstallDir"
BrandingText "${APP} ${VERSION}"

VIProductVersion "${VERSION4}"
VIAddVersionKey /LANG=0 "ProductName" "${APP}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileDescription" "${APP} ${VERSION} setup"
VIAddVersionKey /LANG=0 "LegalCopyright" "MIT OR Apache-2.0"

!define MUI_ICON "${STAGE}\mynapin.ico"
!define MUI_UNICON "${STAGE}\mynapin.ico"
!define MUI_ABORTWARNING
!define MUI_COMPONENTSPAGE_NODESC

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!define MUI_FINISHPAGE_RUN "$INSTDIR\mynapin-gui.exe"
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

; The first language is the one used when the OS language is neither.
!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_LANGUAGE "Japanese"

LangString SEC_PROGRAM ${LANG_ENGLISH} "mynapin (required)"
LangString SEC_PROGRAM ${LANG_JAPANESE} "mynapin（必須）"
LangString SEC_PATH ${LANG_ENGLISH} "Add mynapin.exe to PATH (for the command line)"
LangString SEC_PATH ${LANG_JAPANESE} "mynapin.exe を PATH に追加（コマンドラインで使う場合）"
LangString PATH_TOO_LONG ${LANG_ENGLISH} "Your PATH is too long to be changed safely here; it was left as it is. Add $INSTDIR to it by hand if you want to run mynapin.exe from any folder."
LangString PATH_TOO_LONG ${LANG_JAPANESE} "PATH が長すぎるため、安全に変更できません。PATH はそのままです。どのフォルダーからでも mynapin.exe を使う場合は、$INSTDIR を手動で PATH に追加してください。"
; The Start menu names the window by what it does. Both names are removed on uninstall,
; whatever language it runs in.
!define SHORTCUT_EN "mynapin (My Number card PIN check)"
!define SHORTCUT_JA "mynapin（マイナンバーカード暗証番号チェック）"
LangString SHORTCUT ${LANG_ENGLISH} "${SHORTCUT_EN}"
LangString SHORTCUT ${LANG_JAPANESE} "${SHORTCUT_JA}"

${StrStr}
${UnStrRep}

Section "$(SEC_PROGRAM)" SecProgram
  SectionIn RO
  SetOutPath "$INSTDIR"
  File "${STAGE}\mynapin.exe"
  File "${STAGE}\mynapin-gui.exe"
  File "${STAGE}\README.txt"
  File "${STAGE}\LICENSE-MIT.txt"
  File "${STAGE}\LICENSE-APACHE.txt"
  File "${STAGE}\THIRD-PARTY-LICENSES.txt"
  File "${STAGE}\mynapin.ico"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateShortcut "$SMPROGRAMS\$(SHORTCUT).lnk" "$INSTDIR\mynapin-gui.exe"

  WriteRegStr HKCU "${SETTINGS_KEY}" "InstallDir" "$INSTDIR"
  ; Add/Remove Programs (Apps & features), for this user.
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${APP}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "the mynapin developers"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\mynapin-gui.exe"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "EstimatedSize" "$0"
SectionEnd

Section /o "$(SEC_PATH)" SecPath
  ReadRegStr $0 HKCU "Environment" "Path"
  StrLen $1 $0
  ${If} $1 > ${PATH_ROOM}
    MessageBox MB_OK|MB_ICONEXCLAMATION "$(PATH_TOO_LONG)" /SD IDOK
    Return
  ${EndIf}
  ${StrStr} $2 ";$0;" ";$INSTDIR;"
  ${If} $2 == ""
    ${If} $0 == ""
      StrCpy $0 "$INSTDIR"
    ${Else}
      StrCpy $0 "$0;$INSTDIR"
    ${EndIf}
    WriteRegExpandStr HKCU "Environment" "Path" "$0"
    WriteRegDWORD HKCU "${SETTINGS_KEY}" "AddedToPath" 1
    SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=5000
  ${EndIf}
SectionEnd

Function .onInit
  SetShellVarContext current
  ; /ADDTOPATH selects the PATH entry, for a silent install.
  ${GetParameters} $0
  ClearErrors
  ${GetOptions} $0 "/ADDTOPATH" $1
  ${IfNot} ${Errors}
    !insertmacro SelectSection ${SecPath}
  ${EndIf}
FunctionEnd

Function un.onInit
  SetShellVarContext current
FunctionEnd

Section "Uninstall"
  ; Only the files this installer put there: never a recursive delete of a folder the user chose.
  Delete "$INSTDIR\mynapin.exe"
  Delete "$INSTDIR\mynapin-gui.exe"
  Delete "$INSTDIR\README.txt"
  Delete "$INSTDIR\LICENSE-MIT.txt"
  Delete "$INSTDIR\LICENSE-APACHE.txt"
  Delete "$INSTDIR\THIRD-PARTY-LICENSES.txt"
  Delete "$INSTDIR\mynapin.ico"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\${SHORTCUT_EN}.lnk"
  Delete "$SMPROGRAMS\${SHORTCUT_JA}.lnk"

  ReadRegDWORD $0 HKCU "${SETTINGS_KEY}" "AddedToPath"
  ${If} $0 == 1
    ReadRegStr $0 HKCU "Environment" "Path"
    StrLen $1 $0
    ${If} $1 <= ${PATH_ROOM}
      ${UnStrRep} $0 ";$0;" ";$INSTDIR;" ";"
      ; Drop the two semicolons added above.
      StrCpy $0 $0 "" 1
      StrCpy $0 $0 -1
      ${If} $0 == ""
        DeleteRegValue HKCU "Environment" "Path"
      ${Else}
        WriteRegExpandStr HKCU "Environment" "Path" "$0"
      ${EndIf}
      SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=5000
    ${EndIf}
  ${EndIf}

  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  DeleteRegKey HKCU "${SETTINGS_KEY}"
SectionEnd
