using System.Runtime.InteropServices;

namespace OnnxVideo.Ort.Tests;

public sealed class LibraryResolutionTests
{
    [Fact]
    public void DefaultResolutionFindsTheNuGetNativeAssetOfTheApplication()
    {
        var library = OrtLibraryResolver.Resolve(null, null);
        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "runtimes", RuntimeInformation.RuntimeIdentifier, "native", "libonnxruntime.so"), library.Path);
        Assert.Equal(OrtLibrary.Version, library.Version);
        Assert.Equal(OrtLibrary.LibraryPath, library.Path);
    }

    [Fact]
    public void MissingExplicitPathListsWhatWasTried()
    {
        var error = Assert.Throws<OrtLibraryLoadException>(() => OrtLibraryResolver.Resolve("/nonexistent/libonnxruntime.so.1", "/also/ignored.so"));
        var attempt = Assert.Single(error.Attempts);
        Assert.Contains("/nonexistent/libonnxruntime.so.1", attempt);
        Assert.Contains("no such file", attempt);
        Assert.Contains(attempt, error.Message);
    }

    [Fact]
    public void EnvironmentPathIsNamedInTheError()
    {
        var error = Assert.Throws<OrtLibraryLoadException>(() => OrtLibraryResolver.Resolve(null, "/nonexistent/from-env.so"));
        Assert.Contains(OrtLibrary.PathVariable, error.Message);
        Assert.Contains("/nonexistent/from-env.so", Assert.Single(error.Attempts));
    }

    [Fact]
    public void ALibraryThatIsNotOrtIsRefused()
    {
        var notOrt = Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "libSystem.Native.so");
        var error = Assert.Throws<OrtLibraryLoadException>(() => OrtLibraryResolver.Resolve(notOrt, null));
        Assert.Contains("does not export OrtGetApiBase", Assert.Single(error.Attempts));
    }

    [Fact]
    public void AFileThatIsNotALibraryIsRefused()
    {
        var path = Path.Combine(Path.GetTempPath(), $"onnxvideo-fake-{Guid.NewGuid():N}.so");
        File.WriteAllText(path, "not elf");
        try
        {
            var error = Assert.Throws<OrtLibraryLoadException>(() => OrtLibraryResolver.Resolve(path, null));
            Assert.Contains("loader refused it", Assert.Single(error.Attempts));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void SwitchingLibrariesAfterLoadIsRefused()
    {
        _ = OrtLibrary.Version;
        Assert.Equal(OrtLibrary.LibraryPath, OrtLibrary.Load(OrtLibrary.LibraryPath));
        Assert.Throws<InvalidOperationException>(() => OrtLibrary.Load("/some/other/libonnxruntime.so.1"));
    }
}
