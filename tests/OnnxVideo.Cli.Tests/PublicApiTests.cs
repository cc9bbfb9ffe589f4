using System.Reflection;

namespace OnnxVideo.Cli.Tests;

/// <summary>
/// The public types of each library we ship as a NuGet package (README, "NuGet packages") are the ones listed in
/// <c>tests/OnnxVideo.Cli.Tests/PublicApi.txt</c>: making a type public, or no longer public, is a deliberate change
/// of that file. Everything users do not call stays internal (reached by our own projects through InternalsVisibleTo).
/// </summary>
public sealed class PublicApiTests
{
    private const string BaselineFile = "tests/OnnxVideo.Cli.Tests/PublicApi.txt";

    private static readonly string[] Libraries =
    [
        "OnnxVideo.Errors", "OnnxVideo.Ort", "OnnxVideo.Onnx", "OnnxVideo.Media", "OnnxVideo.Packaging",
        "OnnxVideo.Autodiff", "OnnxVideo.Models", "OnnxVideo.Training", "OnnxVideo.Runtime", "OnnxVideo.Text",
    ];

    [Fact]
    public void EachLibrarysPublicTypesAreTheBaselines()
    {
        var actual = Libraries.SelectMany(PublicTypes).ToList();
        var expected = File.ReadAllLines(RepositoryFiles.PathOf(BaselineFile))
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .ToList();

        var added = actual.Except(expected, StringComparer.Ordinal).ToList();
        var removed = expected.Except(actual, StringComparer.Ordinal).ToList();
        Assert.True(added.Count == 0 && removed.Count == 0,
            $"public types differ from {BaselineFile}; if the change is meant, edit that file.\n" +
            $"now public, not listed ({added.Count}):\n  {string.Join("\n  ", added)}\n" +
            $"listed, not public ({removed.Count}):\n  {string.Join("\n  ", removed)}");
    }

    [Fact]
    public void TheBaselineNamesEveryPackagedLibrary()
    {
        var packaged = Directory.GetDirectories(RepositoryFiles.PathOf("src"))
            .Select(Path.GetFileName)
            .Where(name => File.ReadAllText(RepositoryFiles.PathOf($"src/{name}/{name}.csproj")) is var project
                && !project.Contains("<IsPackable>false</IsPackable>") && !project.Contains("<PackAsTool>true</PackAsTool>"))
            .Order(StringComparer.Ordinal);

        Assert.Equal(Libraries.Order(StringComparer.Ordinal), packaged);
    }

    /// <summary>"Assembly: Namespace.Type" (nested types as Outer+Inner), sorted.</summary>
    private static IEnumerable<string> PublicTypes(string library) =>
        Assembly.Load(library).GetExportedTypes()
            .Select(type => $"{library}: {type.FullName}")
            .Order(StringComparer.Ordinal);
}
