using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TaxGenius.Core.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ESignatures : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "SignatureRequests",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    EngagementId = table.Column<Guid>(type: "uuid", nullable: false),
                    ClientId = table.Column<Guid>(type: "uuid", nullable: false),
                    Kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Title = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    Message = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    OriginalFileName = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    OriginalStorageKey = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    OriginalSha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    OriginalSize = table.Column<long>(type: "bigint", nullable: false),
                    PageCount = table.Column<int>(type: "integer", nullable: false),
                    KnowledgeQuestion = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    KnowledgeAnswerHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    SentAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ExpiresAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    RemindersSent = table.Column<int>(type: "integer", nullable: false),
                    LastRemindedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    CompletedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    SignedDocumentId = table.Column<Guid>(type: "uuid", nullable: true),
                    SignedSha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    WetSigned = table.Column<bool>(type: "boolean", nullable: false),
                    VoidedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    VoidReason = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    VoidedByEmail = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    CreatedById = table.Column<Guid>(type: "uuid", nullable: false),
                    CreatedByEmail = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SignatureRequests", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SignatureRequests_Documents_SignedDocumentId",
                        column: x => x.SignedDocumentId,
                        principalTable: "Documents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_SignatureRequests_Engagements_EngagementId",
                        column: x => x.EngagementId,
                        principalTable: "Engagements",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SignatureSigners",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    RequestId = table.Column<Guid>(type: "uuid", nullable: false),
                    Role = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    Name = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    Email = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    UserId = table.Column<Guid>(type: "uuid", nullable: true),
                    InvitationTokenHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Status = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    ConsentedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ViewedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    CodeHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    CodeSentAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    CodeExpiresAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    CodeAttempts = table.Column<int>(type: "integer", nullable: false),
                    SecondFactorMethod = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    SecondFactorAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    KnowledgeAttempts = table.Column<int>(type: "integer", nullable: false),
                    KnowledgePassedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    KnowledgeMethod = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: true),
                    Method = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: true),
                    SignatureImage = table.Column<byte[]>(type: "bytea", nullable: true),
                    AdoptedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    SignedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LoginId = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    IpAddress = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    UserAgent = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SignatureSigners", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SignatureSigners_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_SignatureSigners_SignatureRequests_RequestId",
                        column: x => x.RequestId,
                        principalTable: "SignatureRequests",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SignatureFields",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    RequestId = table.Column<Guid>(type: "uuid", nullable: false),
                    SignerId = table.Column<Guid>(type: "uuid", nullable: false),
                    Kind = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    Page = table.Column<int>(type: "integer", nullable: false),
                    X = table.Column<double>(type: "double precision", nullable: false),
                    Y = table.Column<double>(type: "double precision", nullable: false),
                    Width = table.Column<double>(type: "double precision", nullable: false),
                    Height = table.Column<double>(type: "double precision", nullable: false),
                    SignedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SignatureFields", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SignatureFields_SignatureRequests_RequestId",
                        column: x => x.RequestId,
                        principalTable: "SignatureRequests",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_SignatureFields_SignatureSigners_SignerId",
                        column: x => x.SignerId,
                        principalTable: "SignatureSigners",
                        principalColumn: "Id");
                });

            migrationBuilder.CreateIndex(
                name: "IX_SignatureFields_RequestId_SignerId",
                table: "SignatureFields",
                columns: new[] { "RequestId", "SignerId" });

            migrationBuilder.CreateIndex(
                name: "IX_SignatureFields_SignerId",
                table: "SignatureFields",
                column: "SignerId");

            migrationBuilder.CreateIndex(
                name: "IX_SignatureRequests_ClientId_Status",
                table: "SignatureRequests",
                columns: new[] { "ClientId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_SignatureRequests_CreatedAt_Id",
                table: "SignatureRequests",
                columns: new[] { "CreatedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_SignatureRequests_EngagementId",
                table: "SignatureRequests",
                column: "EngagementId");

            migrationBuilder.CreateIndex(
                name: "IX_SignatureRequests_SignedDocumentId",
                table: "SignatureRequests",
                column: "SignedDocumentId");

            migrationBuilder.CreateIndex(
                name: "IX_SignatureRequests_Status_CreatedAt_Id",
                table: "SignatureRequests",
                columns: new[] { "Status", "CreatedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_SignatureSigners_InvitationTokenHash",
                table: "SignatureSigners",
                column: "InvitationTokenHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SignatureSigners_RequestId_Role",
                table: "SignatureSigners",
                columns: new[] { "RequestId", "Role" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SignatureSigners_UserId_Status",
                table: "SignatureSigners",
                columns: new[] { "UserId", "Status" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "SignatureFields");

            migrationBuilder.DropTable(
                name: "SignatureSigners");

            migrationBuilder.DropTable(
                name: "SignatureRequests");
        }
    }
}
