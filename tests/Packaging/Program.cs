using OnnxVideo.Runtime;

// A consumer of the packed OnnxVideo.Runtime: no ONNX Runtime set-up of its own, it arrives with the package.
await using var classifier = new VideoClassifier(new VideoClassifierOptions { ModelPath = args[0] });
var result = await classifier.ClassifyAsync(args[1]);
if (!result.Succeeded)
{
    Console.Error.WriteLine($"{result.Source}: {result.Error!.Message}");
    return 1;
}

Console.WriteLine($"{Path.GetFileName(result.Source)}: {result.Top[0].Label} {result.Top[0].Score:0.000} on {classifier.ExecutionProvider}");
return 0;
