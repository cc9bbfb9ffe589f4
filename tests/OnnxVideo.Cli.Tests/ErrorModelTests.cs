using System.Reflection;
using OnnxVideo.CommandLine;
using OnnxVideo.Packaging;
using OnnxVideo.Media;
using OnnxVideo.Onnx;
using OnnxVideo.Ort;
using OnnxVideo.Runtime;
using OnnxVideo.Training.Data;

namespace OnnxVideo.Cli.Tests;

/// <summary>One base for user-facing errors: every project's error types derive from it, except the few that are not the user's.</summary>
public sealed class ErrorModelTests
{
    /// <summary>Failures that are not caused by what the user supplied: ORT's own status (wrapped where the input is the
    /// user's), an inference run failing after the model loaded, and shape inference's internal signal.</summary>
    private static readonly HashSet<string> NotUserErrors =
    [
        "OnnxVideo.Ort.OrtException",
        "OnnxVideo.Runtime.InferenceFailedException",
        "OnnxVideo.Onnx.Shapes.ShapeInferenceException",
    ];

    private static readonly Assembly[] ProjectAssemblies =
    [
        typeof(UserInputException).Assembly, typeof(OrtException).Assembly, typeof(OnnxFormatException).Assembly,
        typeof(VideoInputException).Assembly, typeof(TrainingPackageException).Assembly, typeof(DatasetException).Assembly,
        typeof(VideoClassifier).Assembly, typeof(InvalidFlagException).Assembly, typeof(Program).Assembly,
        typeof(Autodiff.UnsupportedGradientException).Assembly, typeof(Models.Zoo.UnknownArchitectureException).Assembly,
        typeof(ExportTool.Program).Assembly,
    ];

    [Fact]
    public void EveryErrorTypeIsAUserInputExceptionUnlessListedAsNotTheUsers()
    {
        var exceptionTypes = ProjectAssemblies.SelectMany(a => a.GetTypes())
            .Where(t => typeof(Exception).IsAssignableFrom(t) && !t.IsAbstract)
            .ToList();
        Assert.True(exceptionTypes.Count >= 25, $"found only {exceptionTypes.Count} exception types");
        var strays = exceptionTypes.Where(t => !typeof(UserInputException).IsAssignableFrom(t) && !NotUserErrors.Contains(t.FullName!))
            .Select(t => t.FullName).ToList();
        Assert.Empty(strays);
        Assert.All(NotUserErrors, name => Assert.Contains(exceptionTypes, t => t.FullName == name));
    }

    [Fact]
    public void AUserInputExceptionNamesItsInputAndProblem()
    {
        UserInputException error = new DatasetException("data/train.txt:3", "unknown label 'cat'");
        Assert.Equal("data/train.txt:3", error.Input);
        Assert.Equal("unknown label 'cat'", error.Problem);
        Assert.Equal("data/train.txt:3: unknown label 'cat'", error.Message);
    }

    [Fact]
    public void AFileSystemFailureOnAUserPathBecomesAUserFileExceptionNamingIt()
    {
        using var dir = new TempDirectory();
        var missing = dir.File("absent.txt");
        var error = Assert.Throws<UserFileException>(() => UserFileException.Guard(missing, "cannot read the labels", () => File.ReadAllText(missing)));
        Assert.Equal(missing, error.Input);
        Assert.Equal("cannot read the labels: not found", error.Problem);
        Assert.IsType<FileNotFoundException>(error.InnerException);
    }

    [Fact]
    public void OtherFailuresPassThroughTheFileGuard()
    {
        Assert.Throws<InvalidOperationException>(() => UserFileException.Guard<int>("x", "cannot read", () => throw new InvalidOperationException("bug")));
    }
}
