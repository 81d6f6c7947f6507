; Inno Setup 6 script of the Welcome Center desk for Windows (x64).
; Built by CI (.github/workflows/desk-bundles.yml) after packaging/build has made dist\welcome-center:
;   iscc /DAppVersion=0.1.0 packaging\windows\welcome-center.iss
; -> dist\welcome-center-<version>-windows-x64-setup.exe
;
; Per user: no administrator rights needed; the program goes to
; %LOCALAPPDATA%\Programs\Welcome Center, with a Start menu entry and an uninstaller
; (Settings > Apps). The data (%LOCALAPPDATA%\welcome-center: the database, its key file, the
; backups) is written by the program, not by this installer, and the uninstaller leaves it.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "Welcome Center"
#define AppExe "welcome-center.exe"

[Setup]
; The same AppId in every version: a newer setup updates the installed program in place.
AppId={{6F1C2B8E-3D7A-4E59-9B41-2A7C5D0E8F13}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Welcome Center Region Zwickau
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
SetupIconFile=..\icon\welcome-center.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
SourceDir=.
OutputDir=..\..\dist
OutputBaseFilename=welcome-center-{#AppVersion}-windows-x64-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; An update while the desk is open: Windows' Restart Manager asks to close it first.
CloseApplications=yes

[Languages]
Name: "de"; MessagesFile: "compiler:Languages\German.isl"
Name: "en"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "..\..\dist\welcome-center\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; An update replaces the program's own files (an old version's libraries must not linger).
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; IconFilename: "{app}\{#AppExe}"; Comment: "Anfragen, Fälle, Verweise und Berichte"
Name: "{autoprograms}\{#AppName} (Demonstration)"; Filename: "{app}\{#AppExe}"; Parameters: "--demo"; IconFilename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; IconFilename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; No [UninstallDelete]: the uninstaller removes what this setup installed and nothing else;
; the office's data in %LOCALAPPDATA%\welcome-center stays.
