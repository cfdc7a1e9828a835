//! Embeds the icon in the Windows executable (windres: x86_64-w64-mingw32-windres when cross
//! building with mingw-w64, rc.exe with MSVC).
fn main() {
    println!("cargo:rerun-if-changed=assets/mynapin-gui.rc");
    println!("cargo:rerun-if-changed=assets/icon.ico");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("windows") {
        embed_resource::compile("assets/mynapin-gui.rc", embed_resource::NONE)
            .manifest_required()
            .unwrap_or_else(|error| panic!("the Windows resources could not be compiled: {error}"));
    }
}
