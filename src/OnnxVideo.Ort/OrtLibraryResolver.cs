using System.Reflection;
using System.Runtime.InteropServices;

namespace OnnxVideo.Ort;

/// <summary>Finds and loads libonnxruntime in the documented order, recording every place tried.</summary>
internal static class OrtLibraryResolver
{
    public static LoadedOrtLibrary Resolve(string? explicitPath, string? environmentPath)
    {
        var attempts = new List<string>();
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            return TryLoadFile(explicitPath, "explicit path", attempts)
                ?? throw new OrtLibraryLoadException($"Could not load ONNX Runtime from the explicit path '{explicitPath}'.", attempts);
        }

        if (!string.IsNullOrWhiteSpace(environmentPath))
        {
            return TryLoadFile(environmentPath, $"{OrtLibrary.PathVariable}", attempts)
                ?? throw new OrtLibraryLoadException(
                    $"Could not load ONNX Runtime from '{environmentPath}' named by {OrtLibrary.PathVariable}.", attempts);
        }

        foreach (var folder in CandidateFolders())
        {
            foreach (var name in OrtLibrary.LibraryFileNames())
            {
                var library = TryLoadFile(Path.Combine(folder.Path, name), folder.Kind, attempts);
                if (library is not null)
                {
                    return library;
                }
            }
        }

        foreach (var name in OrtLibrary.LibraryFileNames())
        {
            var library = TryLoadByName(name, attempts);
            if (library is not null)
            {
                return library;
            }
        }

        throw new OrtLibraryLoadException(
            "ONNX Runtime native library not found. Reference the NuGet package Microsoft.ML.OnnxRuntime (CPU) or "
            + $"Microsoft.ML.OnnxRuntime.Gpu.Linux (CUDA/TensorRT), place the library beside the application, or set {OrtLibrary.PathVariable} to its path.",
            attempts);
    }

    private static IEnumerable<(string Kind, string Path)> CandidateFolders()
    {
        // NuGet places the official native package under runtimes/<rid>/native of a portable app; a RID-specific
        // build or publish flattens it into the application folder.
        var appFolder = AppContext.BaseDirectory;
        foreach (var rid in RuntimeIdentifiers())
        {
            yield return ($"runtimes/{rid}/native", Path.Combine(appFolder, "runtimes", rid, "native"));
        }

        yield return ("application folder", appFolder);
    }

    private static IEnumerable<string> RuntimeIdentifiers()
    {
        var os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
        var arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        var portable = $"{os}-{arch}";
        yield return portable;
        if (!string.Equals(RuntimeInformation.RuntimeIdentifier, portable, StringComparison.Ordinal))
        {
            yield return RuntimeInformation.RuntimeIdentifier;
        }
    }

    private static LoadedOrtLibrary? TryLoadFile(string path, string kind, List<string> attempts)
    {
        var fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            attempts.Add($"{kind}: {fullPath} (no such file)");
            return null;
        }

        if (!NativeLibrary.TryLoad(fullPath, out var handle))
        {
            attempts.Add($"{kind}: {fullPath} (exists but the loader refused it: wrong architecture or missing dependencies)");
            return null;
        }

        return Bind(handle, fullPath, kind, attempts);
    }

    private static LoadedOrtLibrary? TryLoadByName(string name, List<string> attempts)
    {
        if (!NativeLibrary.TryLoad(name, Assembly.GetExecutingAssembly(), DllImportSearchPath.SafeDirectories, out var handle)
            && !NativeLibrary.TryLoad(name, out handle))
        {
            attempts.Add($"default probing: {name} (not found on the library search path)");
            return null;
        }

        return Bind(handle, LoadedPathOf(name) ?? name, "default probing", attempts);
    }

    private static LoadedOrtLibrary? Bind(nint handle, string path, string kind, List<string> attempts)
    {
        if (!OrtLibrary.TryGetApiBase(handle, out var apiBase))
        {
            attempts.Add($"{kind}: {path} (loaded, but it does not export OrtGetApiBase: not ONNX Runtime)");
            NativeLibrary.Free(handle);
            return null;
        }

        var table = OrtLibrary.ReadTable(apiBase, out var version);
        if (table.Length == 0)
        {
            attempts.Add($"{kind}: {path} (ONNX Runtime {version} does not serve C API version {OrtLibrary.ApiVersion}; need 1.{OrtLibrary.ApiVersion} or newer)");
            NativeLibrary.Free(handle);
            return null;
        }

        return new LoadedOrtLibrary(path, handle, version, table);
    }

    // The loader found the file itself; /proc/self/maps tells where, so provider libraries can be looked for beside it.
    private static string? LoadedPathOf(string name)
    {
        const string maps = "/proc/self/maps";
        if (!File.Exists(maps))
        {
            return null;
        }

        foreach (var line in File.ReadLines(maps))
        {
            var slash = line.IndexOf('/');
            if (slash >= 0 && line.Contains("/libonnxruntime.", StringComparison.Ordinal))
            {
                return line[slash..];
            }
        }

        return null;
    }
}
