using System.Globalization;
using OnnxVideo.CommandLine;
using OnnxVideo.Media;
using OnnxVideo.Models.Adversarial;
using OnnxVideo.Onnx;
using OnnxVideo.Packaging.Contracts;
using OnnxVideo.Training.Adversarial;
using OnnxVideo.Training.Data;

namespace OnnxVideo.Cli.Commands;

/// <summary><c>evaluate --attack</c>: clean and robust top-1 of one centre clip per video, through the model's input-gradient graph.</summary>
internal static class AttackEvaluationRun
{
    public static async Task<int> RunAsync(string modelPath, string dataPath, string? classMap, AttackSpec attack, int batch, int threads,
        int maxFailed, bool asJson, CancellationToken ct)
    {
        var model = OnnxModelFile.Load(modelPath);
        var contract = ModelContracts.Read(model, modelPath) ?? throw new InvalidContractException(modelPath, "the model has no preprocessing contract");
        var data = DatasetReader.Read(dataPath, new DatasetOptions { Classes = contract.Labels.Length > 0 ? contract.Labels : null, ClassMapPath = classMap });
        var gradientGraph = InputGradientGraph.FromInferenceModel(model, modelPath);
        using var runner = new InputGradientModel(OnnxModelFile.ToBytes(gradientGraph), modelPath, threads);
        var result = await AdversarialEvaluation.RunAsync(runner, contract, data.Samples, attack, batch, maxFailed, ct);
        static string Pct(double v) => (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";
        EvaluationRunOutput.Write(result, result.Failures, asJson, () => string.Create(CultureInfo.InvariantCulture,
            $"{TerminalText.Escape(Path.GetFileName(modelPath))} on {result.Clips} clips (one centre clip each): clean top-1 {Pct(result.CleanTop1)}, {result.Attack} robust top-1 {Pct(result.RobustTop1)}"));
        return ExitCodes.Ok;
    }
}
