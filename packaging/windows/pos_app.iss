; Inno Setup 6 script: the Windows installer for pos_app (口碑券核销收银台).
; Saved as UTF-8 with a byte-order mark: Inno Setup needs it to read the Chinese names.
;
; Build, on Windows, from the repository root (see packaging/README.md):
;   1. py -3.11 -m venv .venv && .venv\Scripts\pip install -e . "pyinstaller>=6.10,<7"
;   2. .venv\Scripts\pyside6-lrelease resources\translations\pos_app_zh_CN.ts -qm resources\translations\pos_app_zh_CN.qm
;      .venv\Scripts\pyside6-lrelease resources\translations\pos_app_en.ts -qm resources\translations\pos_app_en.qm
;   3. .venv\Scripts\pyinstaller --noconfirm packaging\pos_app.spec      -> dist\pos_app\
;   4. .venv\Scripts\python -c "print(__import__('pos_app').__version__)"   (the version below)
;   5. iscc /DAppVersion=0.1.0 packaging\windows\pos_app.iss              -> dist\installer\
;
; What it does:
; - installs dist\pos_app\ (pos_app.exe: the counter app, windowed; pos_app_cli.exe: the same
;   program with a console, for `settings`, `keys import`, `manager set-pin`, `doctor`,
;   `self-check`) either for the current user only (no admin rights: %LOCALAPPDATA%\Programs)
;   or for all users (Program Files, needs admin) — the installer asks; `/ALLUSERS` or
;   `/CURRENTUSER` on the command line choose without asking (silent installs: add /VERYSILENT);
; - a Start-menu folder with the app, a "self-check" console shortcut and the uninstaller;
;   a desktop shortcut if the "desktop icon" task is ticked (unticked by default);
; - an uninstaller (Settings > Apps, or the Start-menu entry). Uninstalling removes the program
;   only: settings, the undo journal (%LOCALAPPDATA%\pos_app) and the keys in Windows
;   Credential Manager stay, so a reinstall or an upgrade keeps the shop's data. An upgrade is
;   simply installing a newer setup over the old one (same AppId).

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "口碑券核销收银台"
#define AppNameEn "Koubei Voucher Counter"
#define AppExe "pos_app.exe"
#define CliExe "pos_app_cli.exe"
#define Root "..\.."

[Setup]
; Never change AppId: Windows recognises upgrades and the uninstaller by it.
AppId={{7C1F3B52-6E0A-4C55-9A1E-5D2B8F0C4A31}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=pos_app
VersionInfoVersion={#AppVersion}
VersionInfoDescription={#AppNameEn} setup
; Per-user or per-machine: default per-user (no admin prompt); the dialog offers "all users".
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog commandline
DefaultDirName={autopf}\pos_app
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
UsePreviousAppDir=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
SetupIconFile={#Root}\resources\icons\pos_app.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName} ({#AppNameEn})
OutputDir={#Root}\dist\installer
OutputBaseFilename=pos_app-{#AppVersion}-setup
Compression=lzma2/ultra64
SolidCompression=yes
WizardStyle=modern
; Close a running pos_app before replacing its files, and start it again afterwards.
CloseApplications=yes
RestartApplications=no

[Languages]
; Chinese first when the compiler has it (Inno Setup ships ChineseSimplified.isl from 6.3 on;
; older versions: copy it from the Inno Setup translations page into Languages\).
#if FileExists(CompilerPath + "Languages\ChineseSimplified.isl")
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
#endif
Name: "english"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
english.SelfCheck=pos_app self-check
english.LaunchApp=Start {#AppNameEn} now
#if FileExists(CompilerPath + "Languages\ChineseSimplified.isl")
chinesesimplified.SelfCheck=自检 (pos_app self-check)
chinesesimplified.LaunchApp=立即启动{#AppName}
#endif

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The whole one-folder PyInstaller build: both executables and _internal\ (Python, Qt, resources).
Source: "{#Root}\dist\pos_app\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; An upgrade replaces the bundle's internals entirely (no stale modules from the old version).
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\{#AppName}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Comment: "{#AppNameEn}"
Name: "{autoprograms}\{#AppName}\{cm:SelfCheck}"; Filename: "{cmd}"; Parameters: "/k ""{app}\{#CliExe}"" self-check"; WorkingDir: "{app}"; IconFilename: "{app}\{#AppExe}"
Name: "{autoprograms}\{#AppName}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchApp}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only what the program itself may leave in its own folder; never the user's data folders.
Type: filesandordirs; Name: "{app}\_internal"
