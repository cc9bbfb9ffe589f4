using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace OnnxVideo.Cli.Tests;

/// <summary>Every <c>```csharp</c> block of README.md compiles against the built OnnxVideo assemblies.</summary>
public sealed class ReadmeExamplesTests
{
    // The SDK's implicit usings for console apps, as the examples assume them.
    private const string ImplicitUsings =
        "global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq; " +
        "global using System.Net.Http; global using System.Threading; global using System.Threading.Tasks;";

    public static IReadOnlyList<string> Examples() =>
        Regex.Matches(File.ReadAllText(RepositoryFiles.PathOf("README.md")), @"^```csharp[ \t]*\r?\n(.*?)^```", RegexOptions.Singleline | RegexOptions.Multiline)
            .Select(m => m.Groups[1].Value)
            .ToList();

    private static IReadOnlyList<MetadataReference> References()
    {
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        // The OnnxVideo assemblies (including the onnxvideo CLI assembly) sit beside the tests.
        var beside = Directory.GetFiles(AppContext.BaseDirectory, "OnnxVideo.*.dll").Append(Path.Combine(AppContext.BaseDirectory, "onnxvideo.dll"));
        return platform.Concat(beside)
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) && File.Exists(p))
            .GroupBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase)
            .Select(g => (MetadataReference)MetadataReference.CreateFromFile(g.First()))
            .ToList();
    }

    [Fact]
    public void ReadmeHasTheEmbeddingAndTrainingExamples()
    {
        var examples = Examples();
        Assert.True(examples.Count >= 2, $"expected at least 2 csharp examples in README.md, found {examples.Count}");
        Assert.Contains(examples, e => e.Contains("new VideoClassifier("));
        Assert.Contains(examples, e => e.Contains("TrainingSession.Open("));
    }

    [Fact]
    public void EveryReadmeExampleCompiles()
    {
        var references = References();
        var failures = new List<string>();
        var examples = Examples();
        for (var i = 0; i < examples.Count; i++)
        {
            var options = CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Latest);
            var compilation = CSharpCompilation.Create($"ReadmeExample{i}",
                [CSharpSyntaxTree.ParseText(ImplicitUsings, options), CSharpSyntaxTree.ParseText(examples[i], options, path: $"README example {i + 1}")],
                references,
                new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
            using var output = new MemoryStream();
            var result = compilation.Emit(output);
            failures.AddRange(result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)
                .Select(d => $"example {i + 1}: {d}"));
        }
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public void ABrokenExampleIsReportedAsAnError()
    {
        // The check itself must catch an example that no longer matches the API.
        var compilation = CSharpCompilation.Create("Broken",
            [CSharpSyntaxTree.ParseText(ImplicitUsings), CSharpSyntaxTree.ParseText("var c = new OnnxVideo.Runtime.VideoClassifier(42);")],
            References(), new CSharpCompilationOptions(OutputKind.ConsoleApplication));
        Assert.Contains(compilation.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error);
    }
}
