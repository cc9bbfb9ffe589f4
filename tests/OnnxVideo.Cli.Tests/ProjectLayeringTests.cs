using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;

namespace OnnxVideo.Cli.Tests;

/// <summary>
/// The project references are the layering of README's architecture map, and each one is used: the references a
/// project file declares, the map below and the assemblies the compiler actually recorded as used are the same set.
/// </summary>
public sealed class ProjectLayeringTests
{
    // README.md, "## Architecture": project file (under the repository root) → the projects it references.
    private static readonly Dictionary<string, string[]> Map = new()
    {
        ["src/OnnxVideo.Errors/OnnxVideo.Errors.csproj"] = [],
        ["src/OnnxVideo.Ort/OnnxVideo.Ort.csproj"] = ["OnnxVideo.Errors"],
        ["src/OnnxVideo.Onnx/OnnxVideo.Onnx.csproj"] = ["OnnxVideo.Errors"],
        ["src/OnnxVideo.Media/OnnxVideo.Media.csproj"] = ["OnnxVideo.Errors"],
        ["src/OnnxVideo.Text/OnnxVideo.Text.csproj"] = ["OnnxVideo.Errors"],
        ["src/OnnxVideo.Packaging/OnnxVideo.Packaging.csproj"] = ["OnnxVideo.Errors", "OnnxVideo.Onnx", "OnnxVideo.Media"],
        ["src/OnnxVideo.Autodiff/OnnxVideo.Autodiff.csproj"] = ["OnnxVideo.Errors", "OnnxVideo.Onnx", "OnnxVideo.Packaging"],
        ["src/OnnxVideo.Models/OnnxVideo.Models.csproj"] =
            ["OnnxVideo.Errors", "OnnxVideo.Onnx", "OnnxVideo.Ort", "OnnxVideo.Media", "OnnxVideo.Autodiff", "OnnxVideo.Packaging", "OnnxVideo.Text"],
        ["src/OnnxVideo.Runtime/OnnxVideo.Runtime.csproj"] = ["OnnxVideo.Errors", "OnnxVideo.Ort", "OnnxVideo.Onnx", "OnnxVideo.Media", "OnnxVideo.Text"],
        ["src/OnnxVideo.Training/OnnxVideo.Training.csproj"] =
            ["OnnxVideo.Errors", "OnnxVideo.Ort", "OnnxVideo.Onnx", "OnnxVideo.Media", "OnnxVideo.Packaging", "OnnxVideo.Runtime", "OnnxVideo.Text"],
        ["src/OnnxVideo.CommandLine/OnnxVideo.CommandLine.csproj"] = ["OnnxVideo.Errors", "OnnxVideo.Ort"],
        ["src/OnnxVideo.Cli/OnnxVideo.Cli.csproj"] =
            ["OnnxVideo.Errors", "OnnxVideo.CommandLine", "OnnxVideo.Ort", "OnnxVideo.Onnx", "OnnxVideo.Media", "OnnxVideo.Packaging", "OnnxVideo.Models",
             "OnnxVideo.Training", "OnnxVideo.Runtime", "OnnxVideo.Text"],
        ["tools/export/OnnxVideo.ExportTool.csproj"] =
            ["OnnxVideo.Errors", "OnnxVideo.CommandLine", "OnnxVideo.Onnx", "OnnxVideo.Media", "OnnxVideo.Packaging", "OnnxVideo.Models", "OnnxVideo.Text"],
    };

    public static TheoryData<string> Projects() => new(Map.Keys);

    [Theory]
    [MemberData(nameof(Projects))]
    public void DeclaredReferencesAreTheMapsAndTheCompilerUsesEachOne(string project)
    {
        var projectFile = Path.Combine(RepositoryFiles.Root, project);
        var expected = Map[project].Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(expected, DeclaredReferences(projectFile));
        Assert.Equal(expected, CompiledReferences(AssemblyNameOf(projectFile)));
    }

    [Fact]
    public void TrainingDoesNotReachTheCompiler()
    {
        // Not even transitively: what Training references references neither Autodiff nor Models.
        var reached = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(["OnnxVideo.Training"]);
        while (pending.TryPop(out var assembly))
        {
            foreach (var reference in CompiledReferences(assembly).Where(reached.Add))
            {
                pending.Push(reference);
            }
        }
        Assert.Contains("OnnxVideo.Packaging", reached);
        Assert.DoesNotContain("OnnxVideo.Autodiff", reached);
        Assert.DoesNotContain("OnnxVideo.Models", reached);
    }

    private static string[] DeclaredReferences(string projectFile) =>
        XDocument.Load(projectFile).Descendants("ProjectReference")
            .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value))
            .Order(StringComparer.Ordinal).ToArray();

    /// <summary>The project assemblies the compiler recorded in the assembly's metadata (only those it uses).</summary>
    private static string[] CompiledReferences(string assemblyName)
    {
        var path = Path.Combine(AppContext.BaseDirectory, assemblyName + ".dll");
        using var pe = new PEReader(File.OpenRead(path));
        var metadata = pe.GetMetadataReader();
        return metadata.AssemblyReferences
            .Select(h => metadata.GetString(metadata.GetAssemblyReference(h).Name))
            .Select(name => ProjectOfAssembly.GetValueOrDefault(name, name))
            .Where(name => name.StartsWith("OnnxVideo.", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToArray();
    }

    // The two programs' assemblies are named after their commands, not their project files.
    private static readonly Dictionary<string, string> ProjectOfAssembly = new()
    {
        ["onnxvideo"] = "OnnxVideo.Cli",
        ["onnxvideo-export"] = "OnnxVideo.ExportTool",
    };

    private static string AssemblyNameOf(string projectFile) =>
        XDocument.Load(projectFile).Descendants("AssemblyName").FirstOrDefault()?.Value ?? Path.GetFileNameWithoutExtension(projectFile);
}
